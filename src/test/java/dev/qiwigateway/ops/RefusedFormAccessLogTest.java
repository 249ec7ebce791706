package dev.qiwigateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.qiwigateway.testing.GatewayTestBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Forms that Netty's form decoder used to refuse (a field over 8 KiB, more than 256 fields) while the
 * access line said "aborted, 200": the notification route now reads its own body, so such a form is
 * read like any other (the contract limits the body, at 64 KiB, not its fields) and refused for what it
 * lacks, here a signature; the access line shows the status the client got.
 */
class RefusedFormAccessLogTest extends GatewayTestBase {

  @Test
  @DisplayName("A form field over 8 KiB is refused for its missing signature (401), and logged as completed with status 401")
  void fieldOverEightKib(Vertx vertx, VertxTestContext ctx) {
    refusedAndLogged(vertx, ctx, "bill_id=b-1&comment=" + "x".repeat(9_000));
  }

  @Test
  @DisplayName("More than 256 form fields are refused for their missing signature (401), and logged as completed with status 401")
  void tooManyFields(Vertx vertx, VertxTestContext ctx) {
    refusedAndLogged(vertx, ctx, IntStream.range(0, 300).mapToObj(i -> "f" + i + "=v").collect(Collectors.joining("&")));
  }

  private void refusedAndLogged(Vertx vertx, VertxTestContext ctx, String form) {
    String path = gateway.running().services().config().qiwi().notifyPath();
    LogCapture accessLog = LogCapture.of(RequestLogHandler.class);
    WebClient.create(vertx).post(gateway.running().httpPort(), "127.0.0.1", path)
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer(form))
        .compose(response -> accessLog.awaitEvents(vertx, 1).map(events -> Map.entry(response.statusCode(), events)))
        .onComplete(ctx.succeeding(answered -> ctx.verify(() -> {
          accessLog.close();
          assertThat(answered.getKey()).isEqualTo(401);
          List<ILoggingEvent> lines = answered.getValue();
          assertThat(lines).hasSize(1);
          ILoggingEvent line = lines.get(0);
          assertThat(LogCapture.keyValues(line)).containsEntry("status", 401).containsEntry("route", path);
          assertThat(line.getFormattedMessage()).isEqualTo("request completed");
          assertThat(line.getLevel()).isEqualTo(Level.INFO);
          ctx.completeNow();
        })));
  }
}
