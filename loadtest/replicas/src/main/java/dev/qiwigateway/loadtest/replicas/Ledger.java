package dev.qiwigateway.loadtest.replicas;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What the driver saw: every answer per key, the bills it created, the final statuses it was shown. */
final class Ledger {

  record KeyAnswer(String path, Answer answer) {
  }

  record AcceptedRefund(String billId, String refundId, BigDecimal amount) {
  }

  /** Every answer per Idempotency-Key, in the order received. */
  final Map<String, List<KeyAnswer>> answersByKey = new ConcurrentHashMap<>();
  /** Create key -> the comment that marks its bill at the sandbox. */
  final Map<String, String> createComments = new ConcurrentHashMap<>();
  final Map<String, BillSeen> bills = new ConcurrentHashMap<>();
  /** Every final bill status the driver was ever shown (API answers and webhooks), per bill. */
  final Map<String, Set<String>> finalsSeen = new ConcurrentHashMap<>();
  /** Refunds answered 201, once each (a replayed answer names the same refund). */
  final Set<AcceptedRefund> acceptedRefunds = ConcurrentHashMap.newKeySet();
  final Map<String, AtomicInteger> stats = new ConcurrentHashMap<>();

  void answer(String key, String path, Answer answer) {
    answersByKey.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
        .add(new KeyAnswer(path, answer));
  }

  /** Thread-safe (the webhook receiver calls it on an event loop): a map insert, nothing that blocks. */
  void seeFinal(String billId, String status) {
    if (billId != null && Fixture.FINAL.contains(status)) {
      finalsSeen.computeIfAbsent(billId, k -> ConcurrentHashMap.newKeySet()).add(status);
    }
  }

  void count(String name) {
    count(name, 1);
  }

  void count(String name, int howMany) {
    stats.computeIfAbsent(name, k -> new AtomicInteger()).addAndGet(howMany);
  }

  int stat(String name) {
    AtomicInteger value = stats.get(name);
    return value == null ? 0 : value.get();
  }
}
