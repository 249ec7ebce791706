package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.qiwigateway.testing.RootLogCapture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A bill issued straight at QIWI, unknown here, is answered 13 on every resend but warned about once")
class UnknownBillWarningTest extends NotificationTestBase {

  private RootLogCapture log;

  @BeforeEach
  void captureWarnings() {
    log = new RootLogCapture();
  }

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  @Test
  @DisplayName("five resends of the same notification: five 503 {\"error\":13}, five inbox rows, one WARN")
  void oneWarningPerBill(VertxTestContext ctx) {
    String billId = "issued-at-qiwi-1";
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    Future<Void> resends = Future.succeededFuture();
    for (int resend = 0; resend < 5; resend++) {
      resends = resends.compose(previous -> qiwi.sendRestV3(QiwiSender.restV3(billId, "paid", "10.00"))
          .map(answer -> {
            answers.add(answer);
            return null;
          }));
    }
    resends.compose(sent -> verdicts(billId)).onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
      assertThat(answers).allSatisfy(answer -> {
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(QiwiSender.restV3Code(answer)).isEqualTo(13);
      });
      assertThat(verdicts).containsExactly("unknown_bill", "unknown_bill", "unknown_bill", "unknown_bill",
          "unknown_bill");
      List<ILoggingEvent> warnings = log.warnings();
      assertThat(warnings).filteredOn(event -> event.getLevel() == Level.WARN)
          .filteredOn(event -> event.getFormattedMessage().contains("not applied"))
          .filteredOn(event -> event.getKeyValuePairs().stream().anyMatch(pair -> billId.equals(pair.value)))
          .hasSize(1);
      ctx.completeNow();
    })));
  }
}
