package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reads the gateway's database through psql (blocking; the driver's threads only). */
final class Database {

  private final Options options;

  Database(Options options) {
    this.options = options;
  }

  /** The rows of a query as JSON objects, column name to value. */
  JsonArray query(String sql) {
    try {
      Path errors = options.work().resolve("logs/psql.err");
      ProcessBuilder builder = new ProcessBuilder(options.psql(), "-X", "-q", "-h", "127.0.0.1", "-p",
          String.valueOf(options.pgPort()), "-U", "postgres", "-d", "gateway", "-tA", "-v", "ON_ERROR_STOP=1", "-c",
          "SELECT coalesce(json_agg(t), '[]'::json) FROM (" + sql + ") t");
      builder.redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()));
      Process psql = builder.start();
      String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (psql.waitFor() != 0) {
        throw new IllegalStateException("psql failed for: " + sql + " (see logs/psql.err)");
      }
      return new JsonArray(out);
    } catch (IOException e) {
      throw new IllegalStateException("psql failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("psql interrupted", e);
    }
  }
}
