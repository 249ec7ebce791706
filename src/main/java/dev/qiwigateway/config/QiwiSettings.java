package dev.qiwigateway.config;

import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the gateway reaches QIWI and how QIWI reaches it. {@code baseUrl} and {@code payUrl} are null
 * only in the dev profile when not configured: the built-in sandbox then supplies them.
 */
public record QiwiSettings(
    String baseUrl,
    QiwiDialect dialect,
    QiwiCredentials credentials,
    NotifyAuthMode notifyAuth,
    String notifyPath,
    List<IpRange> notifyAllowIps,
    long timeoutMs,
    long breakerOpenMs,
    int callsPerSecond,
    String payUrl) {

  /** QIWI calls a second this replica makes at most (API, poller and refreshes together). */
  public static final int DEFAULT_CALLS_PER_SECOND = 50;

  public static final String PUBLIC_PAY_URL = "https://bill.qiwi.com/order/external/main.action";
  private static final String PUBLIC_API_HOST = "api.qiwi.com";

  static QiwiSettings read(SettingsReader in, boolean prod) {
    String baseUrl = in.required("QIWI_BASE_URL", prod);
    if (baseUrl != null && !isHttpRoot(baseUrl)) {
      in.problem("QIWI_BASE_URL", "must be scheme, host and port only, e.g. https://api.qiwi.com");
    }
    QiwiDialect dialect = in.parsed("QIWI_DIALECT", "rest-v3", QiwiDialect::fromConfigName, "must be rest-v3 or pull-v2");
    String notifyPath = in.string("QIWI_NOTIFY_PATH", "/qiwi/notifications");
    if (!notifyPath.matches("/[A-Za-z0-9/._-]*")) {
      in.problem("QIWI_NOTIFY_PATH", "must be an absolute path such as /qiwi/notifications");
    }
    String payUrl = in.string("QIWI_PAY_URL", prod ? PUBLIC_PAY_URL : null);
    if (payUrl != null && !isHttpUrl(payUrl)) {
      in.problem("QIWI_PAY_URL", "must be an http(s) URL");
    }
    if (payUrl == null && baseUrl != null && isHttpRoot(baseUrl)) {
      payUrl = payUrlBeside(stripTrailingSlash(baseUrl));
    }
    return new QiwiSettings(
        baseUrl == null ? null : stripTrailingSlash(baseUrl),
        dialect,
        GatewayConfig.credentials(in, prod, dialect),
        GatewayConfig.notifyAuth(in),
        notifyPath,
        allowList(in),
        in.integer("QIWI_TIMEOUT_MS", 5000, 100, 120_000),
        in.integer("QIWI_BREAKER_OPEN_MS", 30_000, 100, 3_600_000),
        in.integer("QIWI_CALLS_PER_SECOND", DEFAULT_CALLS_PER_SECOND, 1, 10_000),
        payUrl);
  }

  /**
   * Dev with QIWI_BASE_URL but no QIWI_PAY_URL: QIWI's own API host gets QIWI's public form, any other
   * host (a standalone sandbox) serves the form at QIWI's path on itself. Without this, every payUrl
   * would be built from nothing.
   */
  private static String payUrlBeside(String baseUrl) {
    if (URI.create(baseUrl).getHost().equalsIgnoreCase(PUBLIC_API_HOST)) {
      return PUBLIC_PAY_URL;
    }
    return baseUrl + URI.create(PUBLIC_PAY_URL).getPath();
  }

  public QiwiSettings withSandbox(String sandboxBaseUrl, String sandboxPayUrl) {
    return new QiwiSettings(sandboxBaseUrl, dialect, credentials, notifyAuth, notifyPath, notifyAllowIps, timeoutMs,
        breakerOpenMs, callsPerSecond, payUrl == null ? sandboxPayUrl : payUrl);
  }

  private static List<IpRange> allowList(SettingsReader in) {
    List<IpRange> ranges = new ArrayList<>();
    for (String cidr : in.list("QIWI_NOTIFY_ALLOW_IPS", null)) {
      try {
        ranges.add(IpRange.parse(cidr));
      } catch (IllegalArgumentException e) {
        in.problem("QIWI_NOTIFY_ALLOW_IPS", e.getMessage());
      }
    }
    return List.copyOf(ranges);
  }

  private static boolean isHttpRoot(String url) {
    try {
      URI uri = new URI(stripTrailingSlash(url));
      return isHttpUrl(url) && (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  String describe() {
    return "{baseUrl=" + (baseUrl == null ? "sandbox" : baseUrl) + ", dialect=" + dialect
        + ", credentials=" + credentials + ", notifyAuth=" + notifyAuth.configName() + ", notifyPath=" + notifyPath
        + ", allowIps=" + notifyAllowIps.stream().map(IpRange::cidr).toList() + ", timeoutMs=" + timeoutMs
        + ", breakerOpenMs=" + breakerOpenMs + ", callsPerSecond=" + callsPerSecond + ", payUrl=" + (payUrl == null ? "sandbox" : payUrl) + "}";
  }
}
