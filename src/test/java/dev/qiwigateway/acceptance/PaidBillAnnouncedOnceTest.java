package dev.qiwigateway.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.acceptance.MarketplaceReceiver.Delivery;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Paying a bill on the sandbox produces exactly one bill.paid webhook with a valid signature, shown in the feed")
class PaidBillAnnouncedOnceTest extends AcceptanceTestBase {

  private static final int BILLS = 4;
  /** The sandbox sends each notification this many times (its maximum); the test adds as many signed copies. */
  private static final int SANDBOX_COPIES = 10;
  private static final int EXTRA_COPIES = 10;
  private static final int REFRESHES = 3;

  /** A poller that keeps checking every waiting bill, so that it is in the race when the payment lands. */
  private static JsonObject busyPoller() {
    return new JsonObject()
        .put("POLL_INTERVAL_MS", "20")
        .put("POLL_BILL_FIRST_DELAY_MS", "100")
        .put("POLL_BILL_MAX_INTERVAL_MS", "200");
  }

  @Test
  @DisplayName("with the notification sent 20 times, many at once, and the poller and ?refresh=true racing it, "
      + "each paid bill is announced by exactly one validly signed bill.paid, the one the feed shows")
  void oneBillPaidWhateverRacesIt(VertxTestContext ctx) {
    List<String> bills = IntStream.range(0, BILLS).mapToObj(i -> "race-" + i).toList();
    Map<String, List<HttpResponse<Buffer>>> notificationAnswers = new ConcurrentHashMap<>();
    Map<String, List<HttpResponse<Buffer>>> refreshAnswers = new ConcurrentHashMap<>();
    startGateway(busyPoller())
        .compose(started -> Future.all(bills.stream().map(billId -> issue(billId, "250.00")).toList()))
        .compose(issued -> sandbox.fault(new JsonObject().put("fault", "duplicates").put("copies", SANDBOX_COPIES)
            .put("count", BILLS)))
        .compose(rule -> Future.all(bills.stream()
            .map(billId -> payAndRace(billId, notificationAnswers, refreshAnswers)).toList()))
        .compose(raced -> until("the sandbox's copies are all acknowledged",
            () -> sandboxNotifications("acknowledged").map(n -> n >= (long) BILLS * SANDBOX_COPIES)))
        .compose(acknowledged -> allEventsDelivered())
        .compose(feed -> {
          ctx.verify(() -> {
            for (String billId : bills) {
              assertThat(notificationAnswers.get(billId)).hasSize(EXTRA_COPIES).allSatisfy(answer -> {
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(QiwiNotifier.resultCode(answer)).isZero();
              });
              assertThat(refreshAnswers.get(billId)).hasSize(REFRESHES).allSatisfy(answer -> {
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.bodyAsJsonObject().getString("status")).isEqualTo("paid");
              });
              assertAnnouncedOnce(billId, eventsOf(feed, billId));
            }
            assertThat(receiver.deliveries()).allMatch(Delivery::signed, "signed with the shared secret");
            // A receiver that always answers 2xx needs nothing sent twice.
            assertThat(receiver.deliveries()).hasSameSizeAs(receiver.distinctIds());
          });
          return Future.all(bills.stream().map(this::verdicts).toList());
        })
        .onComplete(ctx.succeeding(recorded -> ctx.verify(() -> {
          for (int i = 0; i < BILLS; i++) {
            List<String> verdicts = recorded.resultAt(i);
            // Whichever of notification, poller or refresh came first made the only transition.
            assertThat(verdicts).hasSize(SANDBOX_COPIES + EXTRA_COPIES);
            assertThat(verdicts).filteredOn("applied"::equals).hasSizeLessThanOrEqualTo(1);
            assertThat(verdicts).allMatch(v -> v.equals("applied") || v.equals("duplicate"), "applied or duplicate");
          }
          ctx.completeNow();
        })));
  }

  /**
   * Pays at QIWI (the sandbox starts sending its copies), then at once fires the extra signed copies and
   * the refreshes, all while the poller checks the bill.
   */
  private Future<Void> payAndRace(String billId, Map<String, List<HttpResponse<Buffer>>> notificationAnswers,
      Map<String, List<HttpResponse<Buffer>>> refreshAnswers) {
    List<HttpResponse<Buffer>> notified = java.util.Collections.synchronizedList(new ArrayList<>());
    List<HttpResponse<Buffer>> refreshed = java.util.Collections.synchronizedList(new ArrayList<>());
    notificationAnswers.put(billId, notified);
    refreshAnswers.put(billId, refreshed);
    return sandbox.pay(billId).compose(paid -> {
      List<Future<?>> racers = new ArrayList<>();
      for (int i = 0; i < EXTRA_COPIES; i++) {
        racers.add(qiwi.send(billId, "paid", "250.00").onSuccess(notified::add));
        if (i < REFRESHES) {
          racers.add(api.get("/v1/bills/" + billId + "?refresh=true").onSuccess(refreshed::add));
        }
      }
      return Future.all(racers).mapEmpty();
    });
  }

  private void assertAnnouncedOnce(String billId, List<JsonObject> events) {
    assertThat(types(events)).as("feed of %s", billId).containsExactly("bill.waiting", "bill.paid");
    JsonObject paid = events.get(1);
    assertThat(paid.getJsonObject("data").getString("status")).isEqualTo("paid");
    List<Delivery> delivered = receiver.of(billId);
    List<Delivery> paidWebhooks = delivered.stream().filter(d -> d.type().equals("bill.paid")).toList();
    assertThat(paidWebhooks.stream().map(Delivery::webhookId).distinct().toList())
        .as("distinct bill.paid webhook ids of %s", billId).containsExactly(paid.getString("id"));
    assertThat(paidWebhooks).hasSize(1).allMatch(Delivery::signed, "signed");
    assertThat(paidWebhooks.get(0).event()).isEqualTo(paid);
    assertThat(delivered).extracting(Delivery::type).as("order of %s's webhooks", billId)
        .containsExactly("bill.waiting", "bill.paid");
  }
}
