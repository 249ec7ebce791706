package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Idempotency and money: one QIWI bill per create, identical replays per key, one QIWI refund per gateway
 * refund, refunds never above the bill, on both sides.
 */
final class QiwiAgreementChecks {

  private final Snapshot snapshot;
  private final Ledger ledger;

  QiwiAgreementChecks(Snapshot snapshot, Ledger ledger) {
    this.snapshot = snapshot;
    this.ledger = ledger;
  }

  Check oneQiwiBillPerCreate() {
    Check check = new Check("one QIWI bill per create (no duplicate)");
    Map<String, List<String>> qiwiBillsByComment = new HashMap<>();
    snapshot.atQiwi.values().forEach(b -> qiwiBillsByComment
        .computeIfAbsent(b.getString("comment"), k -> new ArrayList<>()).add(b.getString("billId")));
    for (Map.Entry<String, String> create : ledger.createComments.entrySet()) {
      check.examined++;
      List<String> atSandbox = qiwiBillsByComment.getOrDefault(create.getValue(), List.of());
      if (atSandbox.size() > 1) {
        check.violation("create key " + create.getKey() + " made " + atSandbox.size() + " QIWI bills " + atSandbox);
      }
      Set<String> answered = new HashSet<>();
      ledger.answersByKey.getOrDefault(create.getKey(), List.of()).stream()
          .filter(a -> a.answer().status() == 201).forEach(a -> answered.add(a.answer().json().getString("billId")));
      if (answered.size() > 1) {
        check.violation("create key " + create.getKey() + " answered 201 with different bills " + answered);
      }
    }
    for (JsonObject remote : snapshot.atQiwi.values()) {
      JsonObject local = snapshot.dbBills.get(remote.getString("billId"));
      if (local == null || !"issued".equals(local.getString("issue_state"))) {
        check.violation("QIWI bill " + remote.getString("billId") + " has no issued gateway bill ("
            + (local == null ? "none" : local.getString("issue_state")) + ")");
      }
    }
    Map<String, Integer> perKey = new HashMap<>();
    for (JsonObject local : snapshot.dbBills.values()) {
      perKey.merge(local.getString("created_by_key"), 1, Integer::sum);
      if ("issued".equals(local.getString("issue_state")) && !snapshot.atQiwi.containsKey(local.getString("bill_id"))) {
        check.violation("gateway bill " + local.getString("bill_id") + " is issued but unknown to QIWI");
      }
    }
    perKey.forEach((key, count) -> {
      if (count > 1) {
        check.violation("idempotency key " + key + " created " + count + " gateway bills");
      }
    });
    return check;
  }

  /** Two 2xx answers for one key never differ in status or body. */
  Check replaysIdentical() {
    Check check = new Check("idempotent replays identical (same key)");
    for (Map.Entry<String, List<Ledger.KeyAnswer>> key : ledger.answersByKey.entrySet()) {
      List<Ledger.KeyAnswer> finals;
      synchronized (key.getValue()) {
        finals = key.getValue().stream().filter(a -> a.answer().ok()).toList();
      }
      if (finals.size() < 2) {
        continue;
      }
      check.examined++;
      Answer first = finals.get(0).answer();
      for (Ledger.KeyAnswer later : finals.subList(1, finals.size())) {
        if (later.answer().status() != first.status() || !later.answer().body().equals(first.body())) {
          check.violation("key " + key.getKey() + ": " + first.status() + " " + first.body() + " then "
              + later.answer().status() + " " + later.answer().body());
          break;
        }
      }
    }
    return check;
  }

  Check oneQiwiRefundPerGatewayRefund() {
    Check check = new Check("one QIWI refund per gateway refund");
    Set<String> billIds = new HashSet<>(snapshot.dbRefunds.keySet());
    snapshot.atQiwi.values().stream().filter(b -> !b.getJsonArray("refunds", new JsonArray()).isEmpty())
        .forEach(b -> billIds.add(b.getString("billId")));
    for (String billId : billIds) {
      Map<String, JsonObject> accepted = new TreeMap<>();
      for (JsonObject refund : snapshot.dbRefunds.getOrDefault(billId, List.of())) {
        check.examined++;
        if ("accepted".equals(refund.getString("request_state"))) {
          accepted.put(refund.getString("refund_id"), refund);
        } else if ("pending".equals(refund.getString("request_state"))) {
          check.violation("bill " + billId + " refund " + refund.getString("refund_id")
              + " still pending after quiescence");
        }
      }
      Map<String, JsonObject> remote = new TreeMap<>();
      JsonObject qiwiBill = snapshot.atQiwi.get(billId);
      if (qiwiBill != null) {
        qiwiBill.getJsonArray("refunds", new JsonArray())
            .forEach(r -> remote.put(((JsonObject) r).getString("refundId"), (JsonObject) r));
      }
      if (!accepted.keySet().equals(remote.keySet())) {
        check.violation("bill " + billId + ": gateway accepted refunds " + accepted.keySet() + ", QIWI holds "
            + remote.keySet());
      }
      accepted.forEach((id, refund) -> {
        JsonObject other = remote.get(id);
        if (other != null
            && new BigDecimal(other.getString("amount")).compareTo(new BigDecimal(refund.getString("amount"))) != 0) {
          check.violation("bill " + billId + " refund " + id + ": amount " + refund.getString("amount") + " here, "
              + other.getString("amount") + " at QIWI");
        }
      });
    }
    for (Ledger.AcceptedRefund refund : ledger.acceptedRefunds) {
      boolean known = snapshot.dbRefunds.getOrDefault(refund.billId(), List.of()).stream()
          .anyMatch(r -> r.getString("refund_id").equals(refund.refundId())
              && "accepted".equals(r.getString("request_state")));
      if (!known) {
        check.violation("refund " + refund.billId() + "/" + refund.refundId()
            + " answered 201 but not accepted in the gateway");
      }
    }
    return check;
  }

  /** The refunds that did not fail never add up to more than the bill, in the gateway or at QIWI. */
  Check refundsNeverAboveBill() {
    Check check = new Check("refunds never above the bill");
    for (JsonObject bill : snapshot.dbBills.values()) {
      List<JsonObject> refunds = snapshot.dbRefunds.getOrDefault(bill.getString("bill_id"), List.of());
      JsonObject remote = snapshot.atQiwi.get(bill.getString("bill_id"));
      boolean remoteRefunds = remote != null && !remote.getJsonArray("refunds", new JsonArray()).isEmpty();
      if (refunds.isEmpty() && !remoteRefunds) {
        continue;
      }
      check.examined++;
      BigDecimal amount = new BigDecimal(bill.getString("amount"));
      BigDecimal here = refunds.stream()
          .filter(r -> !"fail".equals(r.getString("status")) && !"refused".equals(r.getString("request_state")))
          .map(r -> new BigDecimal(r.getString("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
      if (here.compareTo(amount) > 0) {
        check.violation("bill " + bill.getString("bill_id") + ": refunds not failed " + here + " > amount " + amount);
      }
      if (remote != null) {
        BigDecimal there = remote.getJsonArray("refunds", new JsonArray()).stream().map(r -> (JsonObject) r)
            .filter(r -> !"fail".equals(r.getString("status")))
            .map(r -> new BigDecimal(r.getString("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (there.compareTo(new BigDecimal(remote.getString("amount"))) > 0) {
          check.violation("bill " + bill.getString("bill_id") + " at QIWI: refunds " + there + " > amount "
              + remote.getString("amount"));
        }
      }
    }
    return check;
  }
}
