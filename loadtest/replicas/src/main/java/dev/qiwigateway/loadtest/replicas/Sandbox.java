package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** The standalone sandbox's admin interface: its faults, its bills and refunds, its notification deliveries. */
final class Sandbox {

  private final Http http;
  final String base;

  Sandbox(Http http, String base) {
    this.http = http;
    this.base = base;
  }

  Answer addFault(JsonObject rule) {
    return http.post(base + "/sandbox/faults", rule.encode(), "application/json", Duration.ofSeconds(5));
  }

  void clearFaults() {
    http.delete(base + "/sandbox/faults");
  }

  /** Every bill the sandbox holds, by bill id (with its refunds). */
  Map<String, JsonObject> bills() {
    Answer answer = http.get(base + "/sandbox/bills", Duration.ofSeconds(20));
    if (answer.status() != 200) {
      throw new IllegalStateException("sandbox bill list: " + answer.status());
    }
    Map<String, JsonObject> bills = new TreeMap<>();
    answer.json().getJsonArray("bills").forEach(b -> bills.put(((JsonObject) b).getString("billId"), (JsonObject) b));
    return bills;
  }

  /** How many notifications the sandbox still has to deliver. */
  long pendingNotifications() {
    return http.get(base + "/sandbox/notifications", Duration.ofSeconds(20)).json()
        .getJsonArray("deliveries", new JsonArray()).stream()
        .filter(d -> "pending".equals(((JsonObject) d).getString("state"))).count();
  }

  /** A refund's status in a {@link #bills()} listing; null when the sandbox does not hold it. */
  static String refundStatus(Map<String, JsonObject> atQiwi, String billId, String refundId) {
    JsonObject bill = atQiwi.get(billId);
    if (bill == null) {
      return null;
    }
    for (Object r : bill.getJsonArray("refunds", new JsonArray())) {
      if (refundId.equals(((JsonObject) r).getString("refundId"))) {
        return ((JsonObject) r).getString("status");
      }
    }
    return null;
  }
}
