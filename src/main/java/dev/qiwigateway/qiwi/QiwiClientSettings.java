package dev.qiwigateway.qiwi;

import java.util.Objects;

/**
 * Where and how the client reaches QIWI.
 *
 * @param baseUrl   scheme, host and port ({@code https://api.qiwi.com}); the client appends the dialect's path
 * @param timeoutMs per-attempt limit: connect, silence and overall duration of one HTTP exchange
 */
public record QiwiClientSettings(String baseUrl, QiwiDialect dialect, QiwiCredentials credentials, long timeoutMs) {

  public QiwiClientSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(credentials, "credentials");
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("QIWI base URL must start with http:// or https://: " + baseUrl);
    }
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("QIWI timeout must be positive: " + timeoutMs);
    }
  }
}
