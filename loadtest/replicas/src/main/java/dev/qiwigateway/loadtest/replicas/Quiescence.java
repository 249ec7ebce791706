package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * After the traffic: the sandbox's faults are cleared, then the driver waits (at most 150 s) until nothing
 * is pending: no pending issue, refund request or event, no open idempotency key, no bill or refund behind
 * the sandbox, no undelivered sandbox notification. The outcome goes to the journal.
 */
final class Quiescence {

  private static final long LIMIT_SECONDS = 150;

  private final Database database;
  private final Sandbox sandbox;
  private final Journal journal;

  Quiescence(Database database, Sandbox sandbox, Journal journal) {
    this.database = database;
    this.sandbox = sandbox;
    this.journal = journal;
  }

  void await() {
    sandbox.clearFaults();
    long begun = System.nanoTime();
    long deadline = Util.secondsFromNow(LIMIT_SECONDS);
    String last = "";
    while (System.nanoTime() < deadline) {
      List<String> busy = busy();
      if (busy.isEmpty()) {
        journal.quiescence = String.format(Locale.ROOT, "reached %.0f s after traffic",
            (System.nanoTime() - begun) / 1e9);
        Util.log("quiescent: " + journal.quiescence);
        return;
      }
      String now = String.join(", ", busy);
      if (!now.equals(last)) {
        Util.log("waiting for quiescence: " + now);
        last = now;
      }
      Util.sleep(1000);
    }
    journal.quiescence = "NOT reached within " + LIMIT_SECONDS + " s: " + last;
    Util.log("quiescence not reached: " + last);
  }

  /** What is still pending anywhere; empty when all is quiet. */
  private List<String> busy() {
    List<String> busy = new ArrayList<>();
    JsonObject counts = database.query("SELECT "
        + "(SELECT count(*) FROM bill WHERE issue_state = 'pending') AS pending_issues, "
        + "(SELECT count(*) FROM refund WHERE request_state = 'pending') AS pending_refund_requests, "
        + "(SELECT count(*) FROM event WHERE delivery_state = 'pending') AS undelivered_events, "
        + "(SELECT count(*) FROM idempotency_key WHERE state = 'in_progress') AS open_keys").getJsonObject(0);
    counts.forEach(entry -> {
      if (((Number) entry.getValue()).longValue() > 0) {
        busy.add(entry.getKey() + "=" + entry.getValue());
      }
    });
    Map<String, JsonObject> atQiwi = sandbox.bills();
    int billsBehind = 0;
    int refundsBehind = 0;
    for (Object row : database.query("SELECT bill_id, status FROM bill WHERE issue_state = 'issued'")) {
      JsonObject bill = (JsonObject) row;
      JsonObject remote = atQiwi.get(bill.getString("bill_id"));
      if (remote != null && !remote.getString("status").equals(bill.getString("status"))) {
        billsBehind++;
      }
    }
    for (Object row : database.query("SELECT bill_id, refund_id, status FROM refund WHERE request_state = 'accepted'")) {
      JsonObject refund = (JsonObject) row;
      String remote = Sandbox.refundStatus(atQiwi, refund.getString("bill_id"), refund.getString("refund_id"));
      if (remote != null && !remote.equals(refund.getString("status"))) {
        refundsBehind++;
      }
    }
    if (billsBehind > 0) {
      busy.add("bills behind QIWI=" + billsBehind);
    }
    if (refundsBehind > 0) {
      busy.add("refunds behind QIWI=" + refundsBehind);
    }
    long deliveries = sandbox.pendingNotifications();
    if (deliveries > 0) {
      busy.add("QIWI notifications undelivered=" + deliveries);
    }
    return busy;
  }
}
