package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotificationSigner;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(VertxExtension.class)
@DisplayName("The sandbox notifies the shop of every final bill status, signed, until the shop acknowledges")
class SandboxNotificationTest {

  private static final String SECRET_KEY = "MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==";
  private static final String NOTIFY_PASSWORD = "test";
  private static final String PROVIDER_NAME = "Магазин 7";

  private final MutableClock clock = MutableClock.startingNow();
  private NotificationReceiver receiver;
  private SandboxClient client;

  private Future<SandboxVerticle> start(Vertx vertx, Dialect dialect, NotifyAuth auth, int maxAttempts) {
    receiver = new NotificationReceiver(vertx, dialect);
    return receiver.start().compose(ready -> {
      SandboxSettings settings = SandboxSettings.defaults(SandboxClient.CREDENTIALS)
          .withClock(clock)
          .withNotifications(dialect, auth, receiver.notifyUrl())
          .withNotifyRetry(new SandboxSettings.RetrySchedule(Duration.ofMillis(20), 2.0, Duration.ofMillis(100),
              maxAttempts))
          .withNotifyTimeout(Duration.ofMillis(500))
          .withProviderName(PROVIDER_NAME);
      SandboxVerticle sandbox = new SandboxVerticle(settings);
      return vertx.deployVerticle(sandbox).map(id -> {
        client = new SandboxClient(vertx, sandbox.actualPort());
        return sandbox;
      });
    });
  }

  private Future<Void> issueAndPay(String billId, Map<String, String> fields) {
    return client.issue(Dialect.REST_V3, billId, fields)
        .compose(issued -> client.admin(HttpMethod.POST, "/sandbox/bills/" + billId + "/pay", null))
        .mapEmpty();
  }

  private Future<Void> issueAndPay(String billId) {
    return issueAndPay(billId, SandboxClient.billFields(clock));
  }

  private Future<JsonArray> deliveries() {
    return client.admin(HttpMethod.GET, "/sandbox/notifications", null).map(log -> log.getJsonArray("deliveries"));
  }

  private static JsonObject delivery(JsonArray log, int index) {
    return log.getJsonObject(index);
  }

  private static List<String> outcomes(JsonObject delivery) {
    return delivery.getJsonArray("attempts").stream().map(JsonObject.class::cast)
        .map(attempt -> attempt.getString("outcome")).collect(Collectors.toList());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("rest-v3: a paid bill is notified with QIWI's fields and a valid HMAC-SHA256 X-Api-Signature")
  void restV3Signed(Vertx vertx, VertxTestContext ctx) {
    var fields = SandboxClient.with(SandboxClient.billFields(clock), "comment", "Заказ №7 & co");
    start(vertx, Dialect.REST_V3, NotifyAuth.SIGNATURE, 5)
        .compose(sandbox -> issueAndPay("order-7", fields))
        .compose(paid -> receiver.received(1))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          NotificationReceiver.Received note = received.get(0);
          Map<String, String> body = note.fields();
          assertThat(note.method()).isEqualTo("POST");
          assertThat(note.headers().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded; charset=utf-8");
          assertThat(body).containsEntry("prv_id", "2042").containsEntry("bill_id", "order-7")
              .containsEntry("amount", "10.00").containsEntry("currency", "RUB").containsEntry("status", "paid")
              .containsEntry("error", "0").containsEntry("phone", SandboxClient.USER)
              .containsEntry("comment", "Заказ №7 & co").containsEntry("version", "1");
          assertThat(body.get("payment_date")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
          assertThat(note.headers().get("X-Api-Signature")).isEqualTo(NotificationSigner.withKey(Dialect.REST_V3, SECRET_KEY).sign(body));
          assertThat(note.headers().get("Authorization")).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pull-v2 signature mode: QIWI's pull-v2 fields signed with HMAC-SHA1 over all fields")
  void pullV2Signed(Vertx vertx, VertxTestContext ctx) {
    var fields = SandboxClient.with(SandboxClient.billFields(clock), "prv_name", "Marketplace");
    start(vertx, Dialect.PULL_V2, NotifyAuth.SIGNATURE, 5)
        .compose(sandbox -> issueAndPay("order-8", fields))
        .compose(paid -> receiver.received(1))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          NotificationReceiver.Received note = received.get(0);
          Map<String, String> body = note.fields();
          assertThat(body).containsOnlyKeys("bill_id", "status", "error", "amount", "user", "prv_name", "ccy",
              "comment", "command");
          assertThat(body).containsEntry("command", "bill").containsEntry("user", SandboxClient.USER)
              .containsEntry("ccy", "RUB").containsEntry("prv_name", "Marketplace").containsEntry("status", "paid");
          assertThat(note.headers().get("X-Api-Signature"))
              .isEqualTo(NotificationSigner.withKey(Dialect.PULL_V2, NOTIFY_PASSWORD).sign(body));
          assertThat(note.headers().get("Authorization")).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pull-v2 Basic mode: Authorization is Basic base64(prv_id:notification password), no signature; "
      + "prv_name is the shop's configured name when the bill was issued without one")
  void pullV2Basic(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Dialect.PULL_V2, NotifyAuth.BASIC, 5)
        .compose(sandbox -> issueAndPay("order-9"))
        .compose(paid -> receiver.received(1))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          NotificationReceiver.Received note = received.get(0);
          assertThat(note.headers().get("Authorization")).isEqualTo(basic("2042", NOTIFY_PASSWORD));
          assertThat(note.headers().get("X-Api-Signature")).isNull();
          assertThat(note.fields()).containsEntry("bill_id", "order-9").containsEntry("command", "bill")
              .containsEntry("prv_name", PROVIDER_NAME);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("every final status is notified (rejected, unpaid, expired), and issuing a bill notifies nothing")
  void everyFinalStatus(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Dialect.REST_V3, NotifyAuth.SIGNATURE, 5)
        .compose(sandbox -> Future.all(client.issue(Dialect.REST_V3, "a", SandboxClient.billFields(clock)),
            client.issue(Dialect.PULL_V2, "b", SandboxClient.billFields(clock)),
            client.issue(Dialect.REST_V3, "c", SandboxClient.billFields(clock)),
            client.issue(Dialect.REST_V3, "waits", SandboxClient.billFields(clock))))
        .compose(issued -> client.cancel(Dialect.PULL_V2, "a"))
        .compose(cancelled -> client.admin(HttpMethod.POST, "/sandbox/bills/b/fail", null))
        .compose(failed -> client.admin(HttpMethod.POST, "/sandbox/bills/c/expire", null))
        .compose(expired -> receiver.received(3))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          Map<String, String> statusByBill = received.stream().map(NotificationReceiver.Received::fields)
              .collect(Collectors.toMap(f -> f.get("bill_id"), f -> f.get("status")));
          assertThat(statusByBill).containsOnly(Map.entry("a", "rejected"), Map.entry("b", "unpaid"),
              Map.entry("c", "expired"));
          received.forEach(note -> assertThat(note.headers().get("X-Api-Signature"))
              .isEqualTo(NotificationSigner.withKey(Dialect.REST_V3, SECRET_KEY).sign(note.fields())));
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a notification is re-sent until acknowledged: three refusals, then an ack, makes four attempts and no more")
  void retriedUntilAcknowledged(Dialect dialect, Vertx vertx, VertxTestContext ctx) {
    Dialect other = dialect == Dialect.REST_V3 ? Dialect.PULL_V2 : Dialect.REST_V3;
    start(vertx, dialect, NotifyAuth.SIGNATURE, 10)
        .compose(sandbox -> {
          receiver.answer(attempt -> switch (attempt) {
            case 1 -> NotificationReceiver.Reply.temporaryFailure();
            case 2 -> NotificationReceiver.Reply.ack(other);  // 200, but not this dialect's success answer
            case 3 -> new NotificationReceiver.Reply(200, "text/plain", "OK");
            default -> NotificationReceiver.Reply.ack(dialect);
          });
          return issueAndPay("order-r");
        })
        .compose(paid -> receiver.received(4))
        .compose(four -> client.eventually(this::deliveries,
            log -> log.size() == 1 && "delivered".equals(delivery(log, 0).getString("state")), Duration.ofSeconds(10)))
        .compose(log -> vertx.timer(500).map(log))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          assertThat(outcomes(delivery(log, 0))).containsExactly("refused", "refused", "refused", "acknowledged");
          assertThat(receiver.notifications()).hasSize(4);
          assertThat(receiver.notifications()).extracting(NotificationReceiver.Received::body).containsOnly(
              receiver.notifications().get(0).body());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an attempt that gets no answer within the timeout counts as failed and is retried")
  void unansweredAttemptRetried(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Dialect.REST_V3, NotifyAuth.SIGNATURE, 5)
        .compose(sandbox -> {
          receiver.answer(attempt -> attempt == 1
              ? NotificationReceiver.Reply.silence()
              : NotificationReceiver.Reply.ack(Dialect.REST_V3));
          return issueAndPay("order-t");
        })
        .compose(paid -> client.eventually(this::deliveries,
            log -> log.size() == 1 && "delivered".equals(delivery(log, 0).getString("state")), Duration.ofSeconds(10)))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          assertThat(outcomes(delivery(log, 0))).containsExactly("failed", "acknowledged");
          assertThat(receiver.notifications()).hasSize(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a receiver that never acknowledges gets exactly max attempts, then the sandbox gives up")
  void givesUpAfterMaxAttempts(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Dialect.PULL_V2, NotifyAuth.SIGNATURE, 3)
        .compose(sandbox -> {
          receiver.answer(attempt -> NotificationReceiver.Reply.temporaryFailure());
          return issueAndPay("order-g");
        })
        .compose(paid -> client.eventually(this::deliveries,
            log -> log.size() == 1 && "gave_up".equals(delivery(log, 0).getString("state")), Duration.ofSeconds(10)))
        .compose(log -> vertx.timer(500).compose(waited -> client.admin(HttpMethod.GET, "/sandbox/stats", null)))
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertThat(receiver.notifications()).hasSize(3);
          JsonObject notifications = stats.getJsonObject("notifications");
          assertThat(notifications.getLong("attempts")).isEqualTo(3);
          assertThat(notifications.getLong("refused")).isEqualTo(3);
          assertThat(notifications.getLong("gaveUp")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("without a notification URL the sandbox sends nothing and logs nothing")
  void noUrlNoNotifications(Vertx vertx, VertxTestContext ctx) {
    SandboxVerticle sandbox = new SandboxVerticle(SandboxSettings.defaults(SandboxClient.CREDENTIALS));
    vertx.deployVerticle(sandbox)
        .compose(id -> {
          client = new SandboxClient(vertx, sandbox.actualPort());
          return issueAndPay("order-n");
        })
        .compose(paid -> deliveries())
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          assertThat(log).isEmpty();
          ctx.completeNow();
        })));
  }
}
