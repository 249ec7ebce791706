package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.qiwigateway.ApiVerticle;
import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.testing.RootLogCapture;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Anyone who can reach the notification endpoint can send refusals by the thousand (a property run
 * wrote 20,000 WARN lines): each is answered and counted, but the log gets a bounded sample.
 */
@DisplayName("Refused notifications are all answered and counted, but write a bounded number of WARN lines")
class RefusalWarningBudgetTest extends NotificationTestBase {

  private static final int UNSIGNED = 200;

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
  @DisplayName("200 unsigned notifications: 200 answers 401 {\"error\":151}, at most 20 WARN lines per event loop")
  void boundedRefusalWarnings(VertxTestContext ctx) {
    String body = FormCodec.encode(QiwiSender.restV3("flood-1", "paid", "10.00"));
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < UNSIGNED; i++) {
      answers.add(qiwi.send(body, QiwiSender.FORM, Map.of()).map(answer -> answer.statusCode()));
    }
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertThat(answers).extracting(Future::result).containsOnly(401);
      List<ILoggingEvent> lines = log.warnings();
      long refusalLines = lines.stream().filter(event -> event.getLevel() == Level.WARN)
          .filter(event -> event.getFormattedMessage().contains("notification refused")).count();
      assertThat(refusalLines).isPositive()
          .isLessThanOrEqualTo((long) NotificationRoutes.REFUSAL_WARNINGS_PER_MINUTE * ApiVerticle.instancesPerGateway());
      ctx.completeNow();
    })));
  }
}
