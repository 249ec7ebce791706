package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An operator learns from the log that webhooks fail, without the secret or the receiver's address. */
class WebhookFailureLogTest extends WebhookTestBase {

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Logger dispatcherLog;

  @BeforeEach
  void captureDispatcherLog() {
    dispatcherLog = (Logger) LoggerFactory.getLogger(WebhookDispatcher.class);
    lines.setContext(dispatcherLog.getLoggerContext());
    lines.start();
    dispatcherLog.addAppender(lines);
  }

  @AfterEach
  void releaseDispatcherLog() {
    dispatcherLog.detachAppender(lines);
    lines.stop();
  }

  @Test
  @DisplayName("a failed delivery writes a WARN with the event id, the attempt and the receiver's status")
  void failedDeliveryIsLogged(VertxTestContext ctx) {
    receiver.failFirst(1, 503);
    issueAndPay(api, "warn-1")
        .compose(v -> receiver.awaitDeliveries(2))
        .onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
          String failedId = requests.stream().filter(request -> !request.delivered()).findFirst().orElseThrow()
              .webhookId();
          List<ILoggingEvent> warnings = captured().stream().filter(line -> line.getLevel() == Level.WARN).toList();
          assertThat(warnings).hasSize(1);
          ILoggingEvent warning = warnings.get(0);
          Map<String, Object> fields = warning.getKeyValuePairs().stream()
              .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
          assertThat(fields).containsEntry("eventId", failedId).containsEntry("attempt", 1)
              .containsEntry("error", "HTTP 503");
          String whole = warning.getFormattedMessage() + fields;
          assertThat(whole).doesNotContain(SECRET, receiver.url());
          ctx.completeNow();
        })));
  }

  private List<ILoggingEvent> captured() {
    synchronized (lines) {
      return List.copyOf(lines.list);
    }
  }
}
