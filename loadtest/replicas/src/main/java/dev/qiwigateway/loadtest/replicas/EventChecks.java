package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statuses and the events that announce them: final statuses never change and agree everywhere; every
 * event reaches the receiver at least once, first in commit order per bill, correctly signed.
 */
final class EventChecks {

  private final Snapshot snapshot;
  private final Ledger ledger;

  EventChecks(Snapshot snapshot, Ledger ledger) {
    this.snapshot = snapshot;
    this.ledger = ledger;
  }

  Check finalStatusesNeverChanged() {
    Check check = new Check("final statuses never changed");
    Map<String, List<JsonObject>> eventsByBill = new HashMap<>();
    snapshot.dbEvents.forEach(e -> eventsByBill.computeIfAbsent(e.getString("bill_id"), k -> new ArrayList<>()).add(e));
    for (JsonObject bill : snapshot.dbBills.values()) {
      if (!"issued".equals(bill.getString("issue_state"))) {
        continue;
      }
      check.examined++;
      String billId = bill.getString("bill_id");
      String status = bill.getString("status");
      Set<String> seen = ledger.finalsSeen.getOrDefault(billId, Set.of());
      if (seen.size() > 1 || (!seen.isEmpty() && !seen.contains(status))) {
        check.violation("bill " + billId + ": driver saw final statuses " + seen + ", gateway now '" + status + "'");
      }
      JsonObject remote = snapshot.atQiwi.get(billId);
      if (remote != null && !remote.getString("status").equals(status)) {
        check.violation("bill " + billId + ": gateway '" + status + "', QIWI '" + remote.getString("status") + "'");
      }
      List<JsonObject> events = eventsByBill.getOrDefault(billId, List.of());
      List<String> finalEvents = events.stream().map(e -> e.getString("type"))
          .filter(t -> t.startsWith("bill.") && Fixture.FINAL.contains(t.substring(5))).toList();
      long waitingEvents = events.stream().filter(e -> "bill.waiting".equals(e.getString("type"))).count();
      boolean consistent = Fixture.FINAL.contains(status) ? finalEvents.equals(List.of("bill." + status))
          : finalEvents.isEmpty();
      if (!consistent || waitingEvents > 1) {
        check.violation("bill " + billId + " '" + status + "' has bill events " + events.stream()
            .map(e -> e.getString("type")).toList());
      }
      Map<String, List<String>> refundEvents = new HashMap<>();
      events.stream().filter(e -> e.getString("refund_id") != null).forEach(e ->
          refundEvents.computeIfAbsent(e.getString("refund_id"), k -> new ArrayList<>()).add(e.getString("type")));
      refundEvents.forEach((refundId, types) -> {
        long finals = types.stream().filter(t -> t.equals("refund.succeeded") || t.equals("refund.failed")).count();
        long processing = types.stream().filter(t -> t.equals("refund.processing")).count();
        if (finals > 1 || processing > 1) {
          check.violation("refund " + billId + "/" + refundId + " has events " + types);
        }
      });
      for (JsonObject refund : snapshot.dbRefunds.getOrDefault(billId, List.of())) {
        String there = Sandbox.refundStatus(snapshot.atQiwi, billId, refund.getString("refund_id"));
        if (there != null && !there.equals(refund.getString("status"))) {
          check.violation("refund " + billId + "/" + refund.getString("refund_id") + ": gateway '"
              + refund.getString("status") + "', QIWI '" + there + "'");
        }
      }
    }
    return check;
  }

  Check deliveredAtLeastOnce() {
    Check check = new Check("every event delivered at least once");
    Map<String, Long> first = snapshot.firstDeliveries();
    Map<String, JsonObject> byId = new HashMap<>();
    for (JsonObject event : snapshot.dbEvents) {
      check.examined++;
      byId.put(event.getString("id"), event);
      if (!first.containsKey(event.getString("id"))) {
        check.violation("event " + event.getString("id") + " " + event.getString("type") + " of bill "
            + event.getString("bill_id") + " never delivered (state " + event.getString("delivery_state") + ")");
      } else if (!"delivered".equals(event.getString("delivery_state"))) {
        check.violation("event " + event.getString("id") + " delivered but recorded '"
            + event.getString("delivery_state") + "'");
      }
    }
    Set<String> phantoms = new HashSet<>();
    for (Delivery delivery : snapshot.deliveries) {
      JsonObject event = delivery.webhookId() == null ? null : byId.get(delivery.webhookId());
      if (event == null && phantoms.add(String.valueOf(delivery.webhookId()))) {
        check.violation("webhook " + delivery.webhookId() + " (" + delivery.type() + ") is no committed event");
      } else if (event != null && !event.getString("type").equals(delivery.type())) {
        check.violation("webhook " + delivery.webhookId() + " carried " + delivery.type() + ", event is "
            + event.getString("type"));
      }
    }
    return check;
  }

  /** Per bill, the first 2xx deliveries arrive in commit order (txid, seq). */
  Check inOrderPerBill() {
    Check check = new Check("events in order per bill (first deliveries)");
    Map<String, Long> first = snapshot.firstDeliveries();
    Map<String, List<JsonObject>> eventsByBill = new LinkedHashMap<>();
    snapshot.dbEvents.stream()
        .sorted(Comparator.comparing((JsonObject e) -> Long.parseLong(e.getString("txid")))
            .thenComparing(e -> e.getLong("seq")))
        .forEach(e -> eventsByBill.computeIfAbsent(e.getString("bill_id"), k -> new ArrayList<>()).add(e));
    eventsByBill.forEach((billId, events) -> {
      check.examined++;
      long previous = -1;
      String previousType = null;
      for (JsonObject event : events) {
        Long arrival = first.get(event.getString("id"));
        if (arrival == null) {
          continue;
        }
        if (arrival < previous) {
          check.violation("bill " + billId + ": " + event.getString("type") + " first arrived before "
              + previousType + " although committed after it");
          break;
        }
        previous = arrival;
        previousType = event.getString("type");
      }
    });
    return check;
  }

  Check signaturesValid() {
    Check check = new Check("webhook signatures valid");
    for (Delivery delivery : snapshot.deliveries) {
      check.examined++;
      if (!delivery.signatureValid()) {
        check.violation("webhook " + delivery.webhookId() + " (" + delivery.type() + ") has a bad signature");
      }
    }
    return check;
  }
}
