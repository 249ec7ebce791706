package dev.qiwigateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The management port keeps slow and surplus clients out as the public port does: headers dripped past
 * HTTP_HEADER_TIMEOUT_MS are cut off, and a connection over MANAGEMENT_MAX_CONNECTIONS is closed at once.
 */
class ManagementConnectionTest extends GatewayTestBase {

  private static final String CLOSED_METER = "gateway.management.connections.closed";
  private static final byte[] PROBE = "GET /health/live HTTP/1.1\r\nHost: gateway\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);
  private static final String DRIPPED = "GET /health/live HTTP/1.1\r\nHost: gateway\r\nX-Drip: "
      + "d".repeat(400) + "\r\n\r\n";

  @Override
  protected JsonObject settings() {
    return super.settings().put("HTTP_HEADER_TIMEOUT_MS", "300").put("MANAGEMENT_MAX_CONNECTIONS", "2");
  }

  @Test
  @DisplayName("Headers dripped to the management port slower than the header timeout: the connection is closed")
  void drippingHeadersAreCutOff(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().managementPort();
    vertx.executeBlocking(() -> {
      try (Socket socket = RawHttp.open(port)) {
        OutputStream out = socket.getOutputStream();
        for (byte b : DRIPPED.getBytes(StandardCharsets.US_ASCII)) {
          try {
            out.write(b);
            out.flush();
          } catch (IOException closed) {
            return true;
          }
          if (socket.getInputStream().available() > 0 || pauseSawClose(socket)) {
            return RawHttp.closedByServer(socket);
          }
        }
        return false;
      }
    }).onComplete(ctx.succeeding(cutOff -> ctx.verify(() -> {
      assertThat(cutOff).as("closed by the server before the headers completed").isTrue();
      assertThat(counted("header_timeout")).isGreaterThanOrEqualTo(1.0);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("A management connection over the limit is closed without an answer; the ones within it are served")
  void connectionOverTheLimitIsRefused(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().managementPort();
    vertx.executeBlocking(() -> {
      try (Socket first = RawHttp.open(port); Socket second = RawHttp.open(port)) {
        assertThat(probed(first)).isEqualTo(200);
        assertThat(probed(second)).isEqualTo(200);
        try (Socket third = RawHttp.open(port)) {
          third.getOutputStream().write(PROBE);
          return RawHttp.closedByServer(third);
        }
      }
    }).onComplete(ctx.succeeding(closed -> ctx.verify(() -> {
      assertThat(closed).as("third connection closed").isTrue();
      assertThat(counted("over_limit")).isGreaterThanOrEqualTo(1.0);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("A request line with HTTP/2.0 on the management port is 400 problem+json, not an empty 501")
  void unsupportedHttpVersion(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().managementPort();
    vertx.executeBlocking(() -> RawHttp.exchange(port, "GET /health/live HTTP/2.0\r\nHost: gateway\r\n\r\n"))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertThat(answer.status()).isEqualTo(400);
          assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
          assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("malformed_request");
          ctx.completeNow();
        })));
  }

  private static int probed(Socket socket) throws IOException {
    socket.getOutputStream().write(PROBE);
    return RawHttp.read(socket.getInputStream()).status();
  }

  /** Waits for the server's move (with a read timeout of 20 ms): true when it closed the connection. */
  private static boolean pauseSawClose(Socket socket) throws IOException {
    socket.setSoTimeout(20);
    try {
      return RawHttp.closedByServer(socket);
    } finally {
      socket.setSoTimeout(10_000);
    }
  }

  private double counted(String reason) {
    var counter = gateway.running().services().registry().find(CLOSED_METER).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }
}
