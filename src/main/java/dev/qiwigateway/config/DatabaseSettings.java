package dev.qiwigateway.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where PostgreSQL is. {@code url} is null only in the dev profile without PG_URL, which means "start
 * the embedded server". The URL may carry a password, so it is never printed whole.
 */
public record DatabaseSettings(String url, int poolSize) {

  static DatabaseSettings read(SettingsReader in, boolean prod) {
    String url = in.required("PG_URL", prod);
    if (url != null && !isPostgresUrl(url)) {
      in.problem("PG_URL", "must look like postgresql://user:pass@host:port/db");
    }
    return new DatabaseSettings(url, in.integer("PG_POOL_SIZE", 8, 1, 200));
  }

  public boolean embedded() {
    return url == null;
  }

  public DatabaseSettings withUrl(String newUrl) {
    return new DatabaseSettings(newUrl, poolSize);
  }

  static boolean isPostgresUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getPath() != null && uri.getPath().length() > 1;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  String describe() {
    if (url == null) {
      return "embedded";
    }
    try {
      URI uri = new URI(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath()
          + " pool=" + poolSize;
    } catch (URISyntaxException e) {
      return "(unparseable) pool=" + poolSize;
    }
  }

  @Override
  public String toString() {
    return "DatabaseSettings[" + describe() + "]";
  }
}
