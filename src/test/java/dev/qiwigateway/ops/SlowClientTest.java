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

/** A client that drips its headers a byte at a time is cut off; one that sends them promptly is served. */
class SlowClientTest extends GatewayTestBase {

  private static final String REQUEST = "GET /v1/bills/b-1 HTTP/1.1\r\nHost: gateway\r\nX-Drip: "
      + "d".repeat(400) + "\r\n\r\n";

  @Override
  protected JsonObject settings() {
    return super.settings().put("HTTP_HEADER_TIMEOUT_MS", "300");
  }

  @Test
  @DisplayName("Headers dripped slower than the header timeout: the connection is closed before they complete")
  void drippingHeadersAreCutOff(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().httpPort();
    vertx.executeBlocking(() -> {
      try (Socket socket = RawHttp.open(port)) {
        OutputStream out = socket.getOutputStream();
        byte[] bytes = REQUEST.getBytes(StandardCharsets.US_ASCII);
        // Each byte keeps the connection from being idle; the request never completes in time.
        for (byte b : bytes) {
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
  @DisplayName("Headers sent at once are answered, and the next request on the same connection too")
  void promptRequestsAreServed(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().httpPort();
    vertx.executeBlocking(() -> {
      try (Socket socket = RawHttp.open(port)) {
        socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        RawHttp.Answer first = RawHttp.read(socket.getInputStream());
        socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        RawHttp.Answer second = RawHttp.read(socket.getInputStream());
        return first.status() * 1000 + second.status();
      }
    }).onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
      assertThat(statuses).isEqualTo(401_401);
      ctx.completeNow();
    })));
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
    return gateway.running().services().registry().find(ConnectionGuard.CLOSED_METER).tag("reason", reason)
        .counter().count();
  }
}
