package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.testing.FreshGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@FreshGateway("counts the poller's checks from zero, and the poller checks every bill in the database; "
    + "one test resets the sandbox")
class PollerTest extends PollerTestBase {

  @Test
  @DisplayName("a bill paid at QIWI without any notification becomes paid by the poller alone, announced once")
  void paidByPolling(Vertx vertx, VertxTestContext ctx) {
    issue("poll-paid-1", "150.00")
        .compose(billId -> sandbox.pay(billId))
        .compose(paid -> untilBillStatus(vertx, "poll-paid-1", "paid"))
        .compose(paid -> api.get("/v1/bills/poll-paid-1"))
        .compose(read -> {
          ctx.verify(() -> assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("paid"));
          return eventTypes("poll-paid-1");
        })
        .compose(events -> {
          ctx.verify(() -> assertThat(events).containsExactly("bill.waiting", "bill.paid"));
          return billRow("poll-paid-1");
        })
        .compose(row -> {
          ctx.verify(() -> {
            assertThat(row.getValue("next_poll_at")).as("a final bill is not polled any more").isNull();
            assertThat(row.getValue("poll_lease_until")).isNull();
            assertThat(row.getInteger("poll_attempts")).isPositive();
            assertThat(row.getValue("qiwi_checked_at")).isNotNull();
            assertThat(polls("bill", "changed")).isEqualTo(1.0);
          });
          return sandbox.stats();
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertThat(stats.getJsonObject("notifications").getLong("attempts", 0L))
              .as("QIWI sent no notification: the poller alone learned the payment").isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("refunds settled at QIWI reach success and fail through the poller, each announced once")
  void refundsSettledByPolling(Vertx vertx, VertxTestContext ctx) {
    issue("poll-refund-1", "100.00")
        .compose(billId -> sandbox.pay(billId))
        .compose(paid -> untilBillStatus(vertx, "poll-refund-1", "paid"))
        .compose(paid -> refund("poll-refund-1", "r1", "30.00"))
        .compose(first -> refund("poll-refund-1", "r2", "40.00").map(second -> {
          assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
          assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(201);
          assertThat(second.bodyAsJsonObject().getString("status")).isEqualTo("processing");
          return second;
        }))
        .compose(accepted -> sandbox.settleRefund("poll-refund-1", "r1", "success"))
        .compose(settled -> sandbox.settleRefund("poll-refund-1", "r2", "fail"))
        .compose(settled -> Eventually.until(vertx, "both refunds are final", PATIENCE,
            () -> refundStatuses("poll-refund-1").map(statuses -> !statuses.containsValue("processing"))))
        .compose(done -> refundStatuses("poll-refund-1"))
        .compose(statuses -> {
          ctx.verify(() -> assertThat(statuses).containsEntry("r1", "success").containsEntry("r2", "fail"));
          return api.get("/v1/bills/poll-refund-1");
        })
        .compose(bill -> {
          ctx.verify(() -> assertThat(bill.bodyAsJsonObject().getString("refunded")).isEqualTo("30.00"));
          return eventTypes("poll-refund-1");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).containsExactlyInAnyOrder("bill.waiting", "bill.paid", "refund.processing:r1",
              "refund.processing:r2", "refund.succeeded:r1", "refund.failed:r2");
          assertThat(polls("refund", "changed")).isEqualTo(2.0);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill that turned final while its check was in flight keeps its status whatever QIWI answers")
  void finalStatusesNeverChangeByPolling(Vertx vertx, VertxTestContext ctx) {
    // The check of this bill takes a second at QIWI; meanwhile the bill is rejected here (as a
    // notification or a cancel would) and paid at QIWI, so the answer disagrees with a final status.
    sandbox.fault(new JsonObject().put("fault", "latency").put("latencyMs", 1000)
            .put("operations", new io.vertx.core.json.JsonArray().add("status")).put("count", 1))
        .compose(fault -> issue("poll-final-1", "20.00"))
        .compose(billId -> Eventually.until(vertx, "the poller claims the bill", PATIENCE,
            () -> billRow(billId).map(row -> row.getValue("poll_lease_until") != null)))
        .compose(claimed -> gateway.running().services().bills().applyStatus("poll-final-1", BillStatus.REJECTED))
        .compose(rejected -> sandbox.pay("poll-final-1"))
        .compose(paidAtQiwi -> Eventually.until(vertx, "the in-flight check is recorded", PATIENCE,
            () -> billRow("poll-final-1").map(row -> row.getInteger("poll_attempts") >= 1
                && row.getValue("poll_lease_until") == null)))
        .compose(checked -> billRow("poll-final-1"))
        .compose(row -> {
          ctx.verify(() -> {
            assertThat(row.getString("status")).isEqualTo("rejected");
            assertThat(row.getValue("next_poll_at")).isNull();
            assertThat(polls("bill", "unchanged")).isGreaterThanOrEqualTo(1.0);
            assertThat(polls("bill", "changed")).isZero();
          });
          return eventTypes("poll-final-1");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).containsExactly("bill.waiting", "bill.rejected");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill that became final elsewhere is never claimed again, however overdue its check looks")
  void finalBillsAreNotPolled(Vertx vertx, VertxTestContext ctx) {
    issue("poll-final-2", "20.00")
        .compose(billId -> gateway.running().services().bills().applyStatus(billId, BillStatus.PAID))
        .compose(paid -> db().preparedQuery("UPDATE bill SET next_poll_at = now() - interval '1 hour' "
            + "WHERE bill_id = $1").execute(Tuple.of("poll-final-2")))
        .compose(overdue -> sandbox.stats())
        .compose(before -> Eventually.after(vertx, java.time.Duration.ofMillis(600))
            .compose(window -> sandbox.stats())
            .map(after -> sandboxRequests(after, "status") - sandboxRequests(before, "status")))
        .compose(statusCalls -> {
          ctx.verify(() -> assertThat(statusCalls).as("status checks of a final bill").isZero());
          return billRow("poll-final-2");
        })
        .onComplete(ctx.succeeding(row -> ctx.verify(() -> {
          assertThat(row.getString("status")).isEqualTo("paid");
          assertThat(row.getInteger("poll_attempts")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill QIWI no longer knows (result code 210) stays waiting and is checked again later, backed off")
  void unknownAtQiwiIsBackedOff(Vertx vertx, VertxTestContext ctx) {
    String qiwiUrl = gateway.running().services().config().qiwi().baseUrl();
    issue("poll-unknown-1", "20.00")
        .compose(billId -> WebClient.create(vertx).postAbs(qiwiUrl + "/sandbox/reset").send())
        .compose(forgotten -> Eventually.until(vertx, "QIWI refused two checks", PATIENCE,
            () -> billRow("poll-unknown-1").map(row -> row.getInteger("poll_attempts") >= 2)))
        .compose(checked -> billRow("poll-unknown-1"))
        .onComplete(ctx.succeeding(row -> ctx.verify(() -> {
          assertThat(row.getString("status")).isEqualTo("waiting");
          assertThat(row.getValue("next_poll_at")).as("still scheduled").isNotNull();
          assertThat(polls("bill", "rejected")).isGreaterThanOrEqualTo(2.0);
          assertThat(polls("bill", "unchanged")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("operators see the poller's lag and its checks by outcome on the metrics endpoint")
  void metricsAreScraped(Vertx vertx, VertxTestContext ctx) {
    issue("poll-metrics-1", "20.00")
        .compose(billId -> sandbox.pay(billId))
        .compose(paid -> untilBillStatus(vertx, "poll-metrics-1", "paid"))
        .compose(paid -> WebClient.create(vertx)
            .get(gateway.running().managementPort(), "127.0.0.1", "/metrics").send())
        .onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
          assertThat(scrape.bodyAsString())
              .contains("qiwi_poller_lag_seconds{kind=\"bill\"}", "qiwi_poller_lag_seconds{kind=\"refund\"}")
              .contains("qiwi_poller_polls_total{kind=\"bill\",outcome=\"changed\"} 1.0");
          ctx.completeNow();
        })));
  }

  private Future<Map<String, String>> refundStatuses(String billId) {
    return db().preparedQuery("SELECT refund_id, status FROM refund WHERE bill_id = $1").execute(Tuple.of(billId))
        .map(rows -> {
          Map<String, String> statuses = new HashMap<>();
          for (Row row : rows) {
            statuses.put(row.getString("refund_id"), row.getString("status"));
          }
          return statuses;
        });
  }
}
