package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A notification answered as accepted is never lost: it is in the inbox, and it took effect (or was stale). */
final class NotificationChecks {

  private final Snapshot snapshot;

  NotificationChecks(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  /** Each ack has an inbox row, counted per identical body (identical copies cannot be told apart). */
  Check acknowledgedRecorded() {
    Check check = new Check("acked notifications recorded (inbox row each)");
    Map<String, List<Exchange>> acks = new LinkedHashMap<>();
    for (Exchange exchange : snapshot.exchanges) {
      if (exchange.acked()) {
        check.examined++;
        acks.computeIfAbsent(exchange.body(), k -> new ArrayList<>()).add(exchange);
      }
    }
    acks.forEach((body, acked) -> {
      int rows = snapshot.inboxByBody.getOrDefault(body, List.of()).size();
      if (rows < acked.size()) {
        Map<String, String> fields = QiwiNotification.decode(body);
        // Which of identical copies lost its row cannot be told: every ack of the body is named.
        String by = acked.stream().map(e -> e.replica() + " #" + e.seq()).toList().toString();
        for (int missing = rows; missing < acked.size(); missing++) {
          check.violation("bill " + fields.get("bill_id") + " '" + fields.get("status") + "' ("
              + (fields.containsKey("extra_copy") ? "driver copy" : "sent by QIWI") + ") answered 200 "
              + acked.size() + "x " + by + ", recorded " + rows + "x");
        }
      }
    });
    return check;
  }

  /** An acked final status is the bill's status, or was recorded as stale against another final status. */
  Check acknowledgedApplied() {
    Check check = new Check("acked notifications applied (status or stale)");
    Set<String> bodies = new HashSet<>();
    for (Exchange exchange : snapshot.exchanges) {
      if (exchange.acked()) {
        bodies.add(exchange.body());
      }
    }
    for (String body : bodies) {
      Map<String, String> fields = QiwiNotification.decode(body);
      String status = fields.get("status");
      if (!Fixture.FINAL.contains(status)) {
        continue;
      }
      check.examined++;
      JsonObject bill = snapshot.dbBills.get(fields.get("bill_id"));
      if (bill == null) {
        check.violation("bill " + fields.get("bill_id") + ": '" + status + "' answered 200 for a bill the gateway "
            + "does not have");
        continue;
      }
      boolean applied = status.equals(bill.getString("status"));
      boolean stale = Fixture.FINAL.contains(bill.getString("status"))
          && snapshot.inboxByBody.getOrDefault(body, List.of()).stream()
              .anyMatch(row -> "stale".equals(row.getString("verdict")));
      if (!applied && !stale) {
        check.violation("bill " + fields.get("bill_id") + ": '" + status + "' answered 200 but the bill is '"
            + bill.getString("status") + "' and no stale verdict was recorded");
      }
    }
    return check;
  }
}
