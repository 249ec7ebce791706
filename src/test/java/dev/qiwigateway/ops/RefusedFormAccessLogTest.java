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

/** A notification the form decoder refuses: the access line shows the 400 QIWI got, not "aborted, 200". */
class RefusedFormAccessLogTest extends GatewayTestBase {

  @Test
  @DisplayName("A form field over 8 KiB is answered 400 and logged as completed with status 400")
  void fieldOverEightKib(Vertx vertx, VertxTestContext ctx) {
    refusedAndLogged(vertx, ctx, "bill_id=b-1&comment=" + "x".repeat(9_000));
  }

  @Test
  @DisplayName("More than 256 form fields are answered 400 and logged as completed with status 400")
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
          assertThat(answered.getKey()).isEqualTo(400);
          List<ILoggingEvent> lines = answered.getValue();
          assertThat(lines).hasSize(1);
          ILoggingEvent line = lines.get(0);
          assertThat(LogCapture.keyValues(line)).containsEntry("status", 400).containsEntry("route", path);
          assertThat(line.getFormattedMessage()).isEqualTo("request completed");
          assertThat(line.getLevel()).isEqualTo(Level.INFO);
          ctx.completeNow();
        })));
  }
}
