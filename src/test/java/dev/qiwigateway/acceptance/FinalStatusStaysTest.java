package dev.qiwigateway.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.acceptance.MarketplaceReceiver.Delivery;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A final status is never overwritten by a later or stale notification, poll or refresh")
class FinalStatusStaysTest extends AcceptanceTestBase {

  /** Bill id -> the sandbox action that finishes it -> the final status it must end in. */
  private static final Map<String, String[]> OUTCOMES = new LinkedHashMap<>();

  static {
    OUTCOMES.put("ooo-paid", new String[] {"pay", "paid"});
    OUTCOMES.put("ooo-rejected", new String[] {"decline", "rejected"});
    OUTCOMES.put("ooo-unpaid", new String[] {"fail", "unpaid"});
    OUTCOMES.put("ooo-expired", new String[] {"expire", "expired"});
  }

  /** No status check within a test: whatever a bill becomes, notifications made it so. */
  private static JsonObject idlePoller() {
    return new JsonObject()
        .put("POLL_BILL_FIRST_DELAY_MS", "3600000")
        .put("POLL_BILL_MAX_INTERVAL_MS", "3600000");
  }

  private static JsonObject busyPoller() {
    return new JsonObject()
        .put("POLL_INTERVAL_MS", "20")
        .put("POLL_BILL_FIRST_DELAY_MS", "50")
        .put("POLL_BILL_MAX_INTERVAL_MS", "100");
  }

  @Test
  @DisplayName("notifications QIWI delivers newest first, each trailed by a stale waiting, end every bill in its own "
      + "final status, announced once and in order; later contrary notifications and refreshes change nothing")
  void outOfOrderNotificationsEndRight(VertxTestContext ctx) {
    startGateway(idlePoller())
        .compose(started -> Future.all(OUTCOMES.keySet().stream().map(billId -> issue(billId, "75.00")).toList()))
        // Held until all four are final, then released newest first, each followed by a stale waiting.
        .compose(issued -> sandbox.fault(new JsonObject().put("fault", "outOfOrder").put("holdMs", 600_000)
            .put("count", OUTCOMES.size())))
        .compose(rule -> finishAllAtQiwi())
        .compose(finished -> until("the four notifications and their stale waitings are acknowledged",
            () -> sandboxNotifications("acknowledged").map(n -> n >= 2L * OUTCOMES.size())))
        .compose(acknowledged -> contradictEach())
        .compose(contradicted -> Future.all(OUTCOMES.keySet().stream()
            .map(billId -> api.get("/v1/bills/" + billId + "?refresh=true")).toList()))
        .compose(refreshed -> {
          ctx.verify(() -> {
            for (int i = 0; i < OUTCOMES.size(); i++) {
              HttpResponse<Buffer> read = refreshed.resultAt(i);
              String billId = List.copyOf(OUTCOMES.keySet()).get(i);
              assertThat(read.bodyAsJsonObject().getString("status")).as("refreshed %s", billId)
                  .isEqualTo(OUTCOMES.get(billId)[1]);
            }
          });
          return allEventsDelivered();
        })
        .compose(feed -> {
          ctx.verify(() -> OUTCOMES.forEach((billId, outcome) ->
              assertEndedOnce(billId, "bill." + outcome[1], eventsOf(feed, billId))));
          return Future.all(OUTCOMES.keySet().stream().map(this::verdicts).toList());
        })
        .onComplete(ctx.succeeding(recorded -> ctx.verify(() -> {
          for (int i = 0; i < OUTCOMES.size(); i++) {
            // The final notification applied; the stale waiting and the contrary one were absorbed.
            assertThat(recorded.<List<String>>resultAt(i)).containsExactly("applied", "stale", "stale");
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill rejected by QIWI's notification stays rejected although QIWI then reports it paid: "
      + "to the status check already in flight, to its paid notification, to a refresh and to later notifications")
  void finalStatusSurvivesEveryLaterReport(VertxTestContext ctx) {
    String billId = "final-1";
    startGateway(busyPoller())
        // Every status check takes 1.5 s at QIWI, so the poller's first one is still in flight below.
        .compose(started -> sandbox.fault(new JsonObject().put("fault", "latency").put("latencyMs", 1500)
            .put("operations", new JsonArray().add("status"))))
        .compose(slow -> issue(billId, "30.00"))
        .compose(issued -> until("the poller's status check has reached QIWI", this::statusCheckArrived))
        .compose(inFlight -> qiwi.send(billId, "rejected", "30.00"))
        .compose(rejected -> {
          ctx.verify(() -> assertThat(QiwiNotifier.resultCode(rejected)).isZero());
          return sandbox.pay(billId);
        })
        .compose(paidAtQiwi -> api.get("/v1/bills/" + billId + "?refresh=true"))
        .compose(refreshed -> {
          ctx.verify(() -> assertThat(refreshed.bodyAsJsonObject().getString("status")).isEqualTo("rejected"));
          return until("QIWI's paid notification is acknowledged", () -> sandboxNotifications("acknowledged")
              .map(n -> n >= 1));
        })
        .compose(acknowledged -> until("the in-flight check is recorded", () -> checkRecorded(billId)))
        .compose(checked -> qiwi.send(billId, "paid", "30.00"))
        .compose(late -> qiwi.send(billId, "expired", "30.00"))
        .compose(late -> qiwi.send(billId, "waiting", "30.00"))
        .compose(late -> {
          ctx.verify(() -> assertThat(QiwiNotifier.resultCode(late)).isZero());
          return allEventsDelivered();
        })
        .compose(feed -> {
          ctx.verify(() -> assertEndedOnce(billId, "bill.rejected", eventsOf(feed, billId)));
          return bill(billId);
        })
        .compose(stored -> {
          ctx.verify(() -> assertThat(stored.getString("status")).isEqualTo("rejected"));
          return verdicts(billId);
        })
        .onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
          assertThat(verdicts).containsExactly("applied", "stale", "stale", "stale", "stale");
          ctx.completeNow();
        })));
  }

  /** Finishes each bill at QIWI in turn; the out-of-order rule holds their notifications. */
  private Future<Void> finishAllAtQiwi() {
    WebClient http = WebClient.create(vertx);
    String qiwiUrl = gateway.running().services().config().qiwi().baseUrl();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String[]> outcome : OUTCOMES.entrySet()) {
      chain = chain.compose(previous -> http
          .postAbs(qiwiUrl + "/sandbox/bills/" + outcome.getKey() + "/" + outcome.getValue()[0]).send()
          .map(answer -> {
            assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
            return null;
          }));
    }
    return chain;
  }

  /** A signed notification of another final status for each bill, after its own. */
  private Future<Void> contradictEach() {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String[]> outcome : OUTCOMES.entrySet()) {
      String contrary = outcome.getValue()[1].equals("paid") ? "rejected" : "paid";
      chain = chain.compose(previous -> qiwi.send(outcome.getKey(), contrary, "75.00").map(answer -> {
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(QiwiNotifier.resultCode(answer)).isZero();
        return null;
      }));
    }
    return chain;
  }

  private void assertEndedOnce(String billId, String finalType, List<JsonObject> events) {
    assertThat(types(events)).as("feed of %s", billId).containsExactly("bill.waiting", finalType);
    List<Delivery> delivered = receiver.of(billId);
    assertThat(delivered).extracting(Delivery::type).as("webhooks of %s", billId)
        .containsExactly("bill.waiting", finalType);
    assertThat(delivered).extracting(Delivery::webhookId)
        .containsExactly(events.get(0).getString("id"), events.get(1).getString("id"));
    assertThat(delivered).allMatch(Delivery::signed, "signed");
  }

  /** The latency rule counts a status request as it arrives, before QIWI answers it. */
  private Future<Boolean> statusCheckArrived() {
    String qiwiUrl = gateway.running().services().config().qiwi().baseUrl();
    return WebClient.create(vertx).getAbs(qiwiUrl + "/sandbox/faults").send()
        .map(answer -> answer.bodyAsJsonObject().getJsonArray("faults").getJsonObject(0).getInteger("fired") >= 1);
  }

  /** The poller's own bookkeeping (not in any API): its check ended and was written down. */
  private Future<Boolean> checkRecorded(String billId) {
    return gateway.running().services().pool()
        .preparedQuery("SELECT poll_attempts >= 1 AND poll_lease_until IS NULL FROM bill WHERE bill_id = $1")
        .execute(Tuple.of(billId))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }
}
