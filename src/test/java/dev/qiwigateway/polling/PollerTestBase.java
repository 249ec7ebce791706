package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.polling.KindPoller.PollerMetrics;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/**
 * A gateway whose poller runs on a compressed schedule, with QIWI's notifications switched off: whatever
 * the gateway learns after issuing a bill, it learned by polling.
 */
abstract class PollerTestBase extends GatewayTestBase {

  static final Duration PATIENCE = Duration.ofSeconds(15);

  @Override
  protected JsonObject settings() {
    return super.settings()
        .put("POLL_INTERVAL_MS", "50")
        .put("POLL_BILL_FIRST_DELAY_MS", "200")
        .put("POLL_BILL_MAX_INTERVAL_MS", "400")
        .put("POLL_BILL_EXPIRY_GRACE_MS", "500")
        .put("POLL_REFUND_FIRST_DELAY_MS", "200")
        .put("POLL_REFUND_MAX_INTERVAL_MS", "400");
  }

  @BeforeEach
  void switchOffNotifications() {
    gateway.running().sandbox().sendNotificationsTo(null);
  }

  Future<String> issue(String billId, String amount) {
    return issue(MerchantApi.bill(billId, amount));
  }

  Future<String> issue(JsonObject bill) {
    return api.post("/v1/bills", "issue-" + bill.getString("billId"), bill).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return created.bodyAsJsonObject().getString("billId");
    });
  }

  Future<HttpResponse<Buffer>> refund(String billId, String refundId, String amount) {
    return api.post("/v1/bills/" + billId + "/refunds", "refund-" + refundId,
        new JsonObject().put("refundId", refundId).put("amount", amount));
  }

  /** One row of the gateway's bill table, poll columns included. */
  Future<Row> billRow(String billId) {
    return db().preparedQuery("SELECT status, next_poll_at, poll_attempts, poll_lease_until, qiwi_checked_at "
        + "FROM bill WHERE bill_id = $1").execute(Tuple.of(billId)).map(rows -> rows.iterator().next());
  }

  Future<Void> untilBillStatus(Vertx vertx, String billId, String status) {
    return Eventually.until(vertx, "bill " + billId + " is " + status, PATIENCE,
        () -> billRow(billId).map(row -> status.equals(row.getString("status"))));
  }

  /** The event types of a bill (and its refunds), in the order they were written. */
  Future<List<String>> eventTypes(String billId) {
    return db().preparedQuery("SELECT type, refund_id FROM event WHERE bill_id = $1 ORDER BY seq")
        .execute(Tuple.of(billId))
        .map(rows -> {
          List<String> types = new ArrayList<>();
          rows.forEach(row -> types.add(row.getString("refund_id") == null ? row.getString("type")
              : row.getString("type") + ":" + row.getString("refund_id")));
          return types;
        });
  }

  MeterRegistry registry() {
    return gateway.running().services().registry();
  }

  /** How many status checks of {@code kind} ended with {@code outcome} at this gateway. */
  double polls(String kind, String outcome) {
    return polls(registry(), kind, outcome);
  }

  static double polls(MeterRegistry registry, String kind, String outcome) {
    Counter counter = registry.find(PollerMetrics.POLLS).tag("kind", kind).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Requests for one QIWI operation that reached the sandbox, whatever their outcome. */
  static long sandboxRequests(JsonObject stats, String operation) {
    JsonObject outcomes = stats.getJsonObject("requests").getJsonObject(operation, new JsonObject());
    return outcomes.fieldNames().stream().mapToLong(outcomes::getLong).sum();
  }
}
