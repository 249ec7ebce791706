package dev.qiwigateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** HTTP_MAX_CONNECTIONS=2: a third connection is closed at once and counted; a freed place is taken again. */
class ConnectionLimitTest extends GatewayTestBase {

  private static final byte[] REQUEST = "GET /v1/bills/b-1 HTTP/1.1\r\nHost: gateway\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);

  @Override
  protected JsonObject settings() {
    return super.settings().put("HTTP_MAX_CONNECTIONS", "2");
  }

  @Test
  @DisplayName("The connection over the limit is closed without an answer; once one closes, a new one is served")
  void connectionOverTheLimitIsRefused(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().httpPort();
    vertx.executeBlocking(() -> {
      try (Socket first = RawHttp.open(port); Socket second = RawHttp.open(port)) {
        assertThat(answered(first)).isEqualTo(401);
        assertThat(answered(second)).isEqualTo(401);
        try (Socket third = RawHttp.open(port)) {
          third.getOutputStream().write(REQUEST);
          assertThat(RawHttp.closedByServer(third)).as("third connection closed").isTrue();
        }
        first.close();
        // The place is freed when the server has seen the close; until then a newcomer is refused too.
        for (int attempt = 0; attempt < 100; attempt++) {
          try (Socket fourth = RawHttp.open(port)) {
            fourth.getOutputStream().write(REQUEST);
            return RawHttp.read(fourth.getInputStream()).status();
          } catch (java.io.IOException refused) {
            Thread.sleep(50);
          }
        }
        return -1;
      }
    }).onComplete(ctx.succeeding(status -> ctx.verify(() -> {
      assertThat(status).isEqualTo(401);
      assertThat(gateway.running().services().registry().find(ConnectionGuard.CLOSED_METER)
          .tag("reason", "over_limit").counter().count()).isGreaterThanOrEqualTo(1.0);
      ctx.completeNow();
    })));
  }

  private static int answered(Socket socket) throws java.io.IOException {
    socket.getOutputStream().write(REQUEST);
    return RawHttp.read(socket.getInputStream()).status();
  }
}
