package dev.qiwigateway.config;

import java.time.Duration;

/**
 * Limits of the HTTP servers, per replica (docs/api.md#configuration). Slow or idle clients must not
 * hold connections for ever; the timeouts hold on the public and the management port alike:
 * <pre>
 * HTTP_IDLE_TIMEOUT_MS    75000  a connection on which nothing is read or written this long is closed
 * HTTP_HEADER_TIMEOUT_MS  15000  a new connection's first request line and headers must be complete
 *                                this long after it opened, else it is closed (the idle timeout alone
 *                                lets a client sending a byte a second stay); a kept-alive connection's
 *                                next request must be complete within the idle timeout of the last answer
 * HTTP_MAX_CONNECTIONS    1000   open connections of the replica's public port; one more is closed at once
 * MANAGEMENT_MAX_CONNECTIONS 64  open connections of the replica's management port (probes and scrapes
 *                                need a few); one more is closed at once, so a flood there cannot take
 *                                the memory the public port needs
 * </pre>
 */
public record HttpServerSettings(Duration idleTimeout, Duration headerTimeout, int maxConnections,
    int managementMaxConnections) {

  static HttpServerSettings read(SettingsReader in) {
    return new HttpServerSettings(
        Duration.ofMillis(in.integer("HTTP_IDLE_TIMEOUT_MS", 75_000, 1_000, 3_600_000)),
        Duration.ofMillis(in.integer("HTTP_HEADER_TIMEOUT_MS", 15_000, 100, 600_000)),
        in.integer("HTTP_MAX_CONNECTIONS", 1_000, 1, 1_000_000),
        in.integer("MANAGEMENT_MAX_CONNECTIONS", 64, 1, 100_000));
  }

  String describe() {
    return "idle " + idleTimeout.toMillis() + " ms, headers " + headerTimeout.toMillis() + " ms, max "
        + maxConnections + " connections, management max " + managementMaxConnections;
  }
}
