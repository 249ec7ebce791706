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
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Notification faults: duplicate deliveries and out-of-order, stale notifications")
class SandboxNotificationFaultsTest extends SandboxTestBase {

  private NotificationReceiver receiver;

  @Override
  protected Future<Void> beforeSandbox(Vertx vertx) {
    receiver = new NotificationReceiver(vertx, Dialect.PULL_V2);
    return receiver.start().mapEmpty();
  }

  @Override
  protected SandboxSettings settings(Vertx vertx) {
    return super.settings(vertx)
        .withNotifications(Dialect.PULL_V2, NotifyAuth.SIGNATURE, receiver.notifyUrl())
        .withNotifyRetry(new SandboxSettings.RetrySchedule(Duration.ofMillis(20), 2.0, Duration.ofMillis(100), 5));
  }

  private Future<Void> issueAndFinish(String billId, String action) {
    return client.issue(Dialect.PULL_V2, billId, SandboxClient.billFields(clock))
        .compose(issued -> client.admin(HttpMethod.POST, "/sandbox/bills/" + billId + "/" + action, null))
        .mapEmpty();
  }

  private static String billAndStatus(NotificationReceiver.Received note) {
    Map<String, String> fields = note.fields();
    return fields.get("bill_id") + ":" + fields.get("status");
  }

  private static void assertSigned(NotificationReceiver.Received note) {
    assertThat(note.headers().get("X-Api-Signature")).isEqualTo(NotificationSigner.withKey(Dialect.PULL_V2, "test").sign(note.fields()));
  }

  @Test
  @DisplayName("duplicates with 3 copies for one notification: that one arrives 3 times, the next one once")
  void duplicates(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "duplicates").put("copies", 3).put("count", 1))
        .compose(rule -> issueAndFinish("dup", "pay"))
        .compose(paid -> receiver.received(3))
        .compose(three -> issueAndFinish("single", "decline"))
        .compose(declined -> receiver.received(4))
        .compose(four -> client.eventually(() -> client.admin(HttpMethod.GET, "/sandbox/notifications", null),
            log -> log.getJsonArray("deliveries").stream().map(JsonObject.class::cast)
                .allMatch(delivery -> "delivered".equals(delivery.getString("state"))), Duration.ofSeconds(10)))
        .compose(log -> vertx.timer(300).map(log))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          List<String> received = receiver.notifications().stream().map(SandboxNotificationFaultsTest::billAndStatus)
              .toList();
          assertThat(received).containsExactlyInAnyOrder("dup:paid", "dup:paid", "dup:paid", "single:rejected");
          List<NotificationReceiver.Received> copies = receiver.notifications().stream()
              .filter(note -> note.fields().get("bill_id").equals("dup")).toList();
          assertThat(copies).extracting(NotificationReceiver.Received::body).containsOnly(copies.get(0).body());
          copies.forEach(SandboxNotificationFaultsTest::assertSigned);
          JsonArray deliveries = log.getJsonArray("deliveries");
          assertThat(deliveries.stream().map(JsonObject.class::cast).map(d -> d.getString("copy")).toList())
              .containsExactlyInAnyOrder("original", "duplicate", "duplicate", "original");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("outOfOrder for 2 notifications: released newest first, each followed by a signed stale waiting one")
  void outOfOrder(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "outOfOrder").put("count", 2).put("holdMs", 60_000))
        .compose(rule -> issueAndFinish("first", "pay"))
        .compose(paid -> issueAndFinish("second", "fail"))
        .compose(failed -> receiver.received(4))
        .compose(four -> issueAndFinish("third", "pay"))
        .compose(paid -> receiver.received(5))
        .compose(five -> vertx.timer(300).map(five))
        .onComplete(ctx.succeeding(five -> ctx.verify(() -> {
          List<String> order = receiver.notifications().stream().map(SandboxNotificationFaultsTest::billAndStatus)
              .toList();
          assertThat(order).hasSize(5);
          assertThat(order.get(0)).as("the newest held notification goes first").isEqualTo("second:unpaid");
          assertThat(order.subList(0, 4)).containsExactlyInAnyOrder("second:unpaid", "first:paid", "second:waiting",
              "first:waiting");
          assertThat(order.indexOf("first:waiting")).isGreaterThan(order.indexOf("first:paid"));
          assertThat(order.indexOf("second:waiting")).isGreaterThan(order.indexOf("second:unpaid"));
          assertThat(order.get(4)).as("the rule is spent: no hold, no stale").isEqualTo("third:paid");
          receiver.notifications().forEach(SandboxNotificationFaultsTest::assertSigned);
          Map<String, String> stale = receiver.notifications().stream().map(NotificationReceiver.Received::fields)
              .filter(fields -> fields.get("status").equals("waiting")).findFirst().orElseThrow();
          assertThat(stale.keySet()).containsExactlyInAnyOrder("bill_id", "status", "error", "amount", "user", "prv_name", "ccy",
              "comment", "command");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("outOfOrder releases what it holds when the hold time ends, even before its count is reached")
  void outOfOrderHoldEnds(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "outOfOrder").put("count", 5).put("holdMs", 100))
        .compose(rule -> issueAndFinish("lonely", "expire"))
        .compose(expired -> receiver.received(2))
        .onComplete(ctx.succeeding(two -> ctx.verify(() -> {
          assertThat(two.stream().map(SandboxNotificationFaultsTest::billAndStatus).collect(Collectors.toList()))
              .containsExactly("lonely:expired", "lonely:waiting");
          ctx.completeNow();
        })));
  }
}
