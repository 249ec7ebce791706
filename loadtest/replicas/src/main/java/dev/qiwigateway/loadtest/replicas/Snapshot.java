package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every party recorded, taken once after quiescence and the final SIGTERMs: the gateway's database,
 * the sandbox's bills and refunds, the proxy's notification exchanges and the receiver's webhooks.
 */
final class Snapshot {

  final Map<String, JsonObject> dbBills = new TreeMap<>();
  final Map<String, List<JsonObject>> dbRefunds = new TreeMap<>();
  /** In commit order (txid, seq). */
  final List<JsonObject> dbEvents = new ArrayList<>();
  /** notification_inbox rows by their raw body. */
  final Map<String, List<JsonObject>> inboxByBody = new HashMap<>();
  final Map<String, JsonObject> atQiwi;
  final List<Exchange> exchanges;
  final List<Delivery> deliveries;

  Snapshot(Database database, Sandbox sandbox, Proxy proxy, WebhookReceiver receiver) {
    database.query("SELECT bill_id, amount::text AS amount, status, issue_state, created_by_key, comment FROM bill")
        .forEach(r -> dbBills.put(((JsonObject) r).getString("bill_id"), (JsonObject) r));
    database.query("SELECT bill_id, refund_id, amount::text AS amount, status, request_state FROM refund")
        .forEach(r -> dbRefunds.computeIfAbsent(((JsonObject) r).getString("bill_id"), k -> new ArrayList<>())
            .add((JsonObject) r));
    database.query("SELECT seq, id, txid::text AS txid, bill_id, refund_id, type, delivery_state, "
        + "payload -> 'data' ->> 'status' AS data_status FROM event ORDER BY txid, seq")
        .forEach(r -> dbEvents.add((JsonObject) r));
    database.query("SELECT bill_id, status, raw_body, verdict FROM notification_inbox")
        .forEach(r -> inboxByBody.computeIfAbsent(((JsonObject) r).getString("raw_body"), k -> new ArrayList<>())
            .add((JsonObject) r));
    atQiwi = sandbox.bills();
    exchanges = proxy.notificationsSoFar();
    deliveries = receiver.deliveriesSoFar();
  }

  /** Inbox rows with the given verdict. */
  long verdicts(String verdict) {
    return inboxByBody.values().stream().flatMap(List::stream).filter(r -> verdict.equals(r.getString("verdict")))
        .count();
  }

  /** Per webhook id, the arrival of its first valid delivery answered 2xx. */
  Map<String, Long> firstDeliveries() {
    Map<String, Long> first = new HashMap<>();
    for (Delivery delivery : deliveries) {
      if (delivery.signatureValid() && delivery.answered() / 100 == 2 && delivery.webhookId() != null) {
        first.merge(delivery.webhookId(), delivery.seq(), Math::min);
      }
    }
    return first;
  }
}
