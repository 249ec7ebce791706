package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mixed traffic: worker threads run flows until the traffic time is up. Each flow issues a bill (with
 * an Idempotency-Key; every sixth create is sent twice at once), then, by its number, pays it (and refunds
 * or contradicts it), cancels it, has the sandbox decline, fail or expire it, or races a cancel against a
 * payment; then reads it until final.
 */
final class Traffic {

  private final Driver driver;
  private final Ledger ledger;
  private final String run;
  private final ExecutorService aux;
  private final long stopAt;
  private final AtomicInteger started = new AtomicInteger();

  Traffic(Driver driver, Ledger ledger, String run, ExecutorService aux, long stopAt) {
    this.driver = driver;
    this.ledger = ledger;
    this.run = run;
    this.aux = aux;
    this.stopAt = stopAt;
  }

  int started() {
    return started.get();
  }

  /** A worker thread's loop. */
  void work() {
    while (System.nanoTime() < stopAt) {
      int n = started.getAndIncrement();
      try {
        flow(n);
      } catch (RuntimeException e) {
        ledger.count("flow error");
        Util.log("flow " + n + " failed: " + e);
      }
    }
  }

  private void flow(int n) {
    long deadline = Util.secondsFromNow(75);
    BillSeen bill = create(n, deadline);
    if (bill == null) {
      return;
    }
    switch (n % 20) {
      case 12, 13 -> cancelFlow(bill, n, deadline);
      case 14 -> sandboxFinish(bill, "decline", "rejected", deadline);
      case 15 -> sandboxFinish(bill, "fail", "unpaid", deadline);
      case 16 -> sandboxFinish(bill, "expire", "expired", deadline);
      case 17 -> raceFlow(bill, n, deadline);
      default -> payFlow(bill, n, deadline);
    }
  }

  private BillSeen create(int n, long deadline) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String key = "create-" + run + "-" + n;
    String comment = "rk:" + run + ":" + n;
    BigDecimal amount = BigDecimal.valueOf(1000 + random.nextInt(90_000), 2);
    String customer = String.format(Locale.ROOT, "tel:+7916%07d", random.nextInt(10_000_000));
    JsonObject body = new JsonObject().put("amount", amount.toPlainString()).put("currency", "RUB")
        .put("customer", customer).put("comment", comment);
    if (n % 2 == 0) {
      body.put("billId", "b" + run + "x" + n);
    }
    ledger.createComments.put(key, comment);
    Answer answer;
    if (n % 6 == 0) {
      // The same request twice at once: one of them waits on the other's key.
      ledger.count("create sent twice at once");
      CompletableFuture<Answer> twin = CompletableFuture.supplyAsync(
          () -> driver.idempotent("create", "/v1/bills", key, body, deadline), aux);
      Answer mine = driver.idempotent("create", "/v1/bills", key, body, deadline);
      Answer other = twin.join();
      answer = mine.status() == 201 ? mine : other;
    } else {
      answer = driver.idempotent("create", "/v1/bills", key, body, deadline);
    }
    if (answer.status() != 201) {
      ledger.count("create ended " + answer.label());
      return null;
    }
    BillSeen bill = new BillSeen(answer.json().getString("billId"), key, amount, customer);
    ledger.bills.put(bill.billId, bill);
    return bill;
  }

  /** Reads the bill until it is final (sometimes asking QIWI first); every final status seen is kept. */
  private String awaitFinal(BillSeen bill, long deadline) {
    int reads = 0;
    while (System.nanoTime() < deadline) {
      boolean refresh = reads++ % 3 == 2;
      Answer answer = driver.api("GET", "/v1/bills/" + bill.billId + (refresh ? "?refresh=true" : ""), null, null,
          Duration.ofSeconds(6));
      ledger.count((refresh ? "get bill refresh " : "get bill ") + answer.status());
      if (answer.status() == 200) {
        String status = answer.json().getString("status");
        ledger.seeFinal(bill.billId, status);
        if (Fixture.FINAL.contains(status)) {
          return status;
        }
      }
      Util.sleep(300);
    }
    ledger.count("bill not final within its flow");
    return null;
  }

  private void payFlow(BillSeen bill, int n, long deadline) {
    if (driver.sandboxAction(bill.billId, "pay").status() != 200) {
      return;
    }
    driver.notifyCopies(bill, "paid", n % 3, n % 2 == 0);
    if (!"paid".equals(awaitFinal(bill, deadline))) {
      return;
    }
    switch (n % 4) {
      case 0 -> singleRefund(bill, n, deadline);
      case 1 -> concurrentRefunds(bill, n, deadline);
      case 2 -> refundsWithFailure(bill, n, deadline);
      default -> lateConflicts(bill, "rejected", deadline);
    }
    if (n % 5 == 0) {
      Answer refreshed = driver.api("GET", "/v1/bills/" + bill.billId + "/refunds?refresh=true", null, null,
          Duration.ofSeconds(6));
      ledger.count("get refunds refresh " + refreshed.status());
    }
  }

  private Answer refund(BillSeen bill, String key, String refundId, BigDecimal amount, long deadline) {
    JsonObject body = new JsonObject().put("amount", amount.toPlainString());
    if (refundId != null) {
      body.put("refundId", refundId);
    }
    Answer answer = driver.idempotent("refund", "/v1/bills/" + bill.billId + "/refunds", key, body, deadline);
    if (answer.status() == 201) {
      ledger.acceptedRefunds.add(new Ledger.AcceptedRefund(bill.billId, answer.json().getString("refundId"), amount));
    }
    return answer;
  }

  private static BigDecimal share(BillSeen bill, int percent) {
    return bill.amount.multiply(BigDecimal.valueOf(percent)).divide(BigDecimal.valueOf(100), 2, RoundingMode.DOWN);
  }

  private void singleRefund(BillSeen bill, int n, long deadline) {
    String key = "refund-" + run + "-" + n + "-a";
    Answer first = refund(bill, key, "r" + Integer.toString(n, 36), share(bill, 40), deadline);
    if (first.status() == 201) {
      // A client that never saw the answer sends it again: the stored answer comes back.
      refund(bill, key, "r" + Integer.toString(n, 36), share(bill, 40), deadline);
    }
  }

  private void concurrentRefunds(BillSeen bill, int n, long deadline) {
    CompletableFuture<Answer> other = CompletableFuture.supplyAsync(
        () -> refund(bill, "refund-" + run + "-" + n + "-b", null, share(bill, 60), deadline), aux);
    refund(bill, "refund-" + run + "-" + n + "-a", "c" + Integer.toString(n, 36), share(bill, 60), deadline);
    other.join();
    ledger.count("concurrent refund pairs");
  }

  private void refundsWithFailure(BillSeen bill, int n, long deadline) {
    for (int i = 0; i < 4; i++) {
      Answer answer = refund(bill, "refund-" + run + "-" + n + "-" + i, "f" + Integer.toString(n, 36) + i,
          share(bill, 30), deadline);
      if (i == 1 && answer.status() == 201) {
        // QIWI fails this refund (unless it settled first): its amount is free again for the fourth.
        driver.settleRefund(bill.billId, answer.json().getString("refundId"), "fail");
      }
    }
  }

  /** Late news that contradicts a final status must be answered 200 and change nothing. */
  private void lateConflicts(BillSeen bill, String other, long deadline) {
    driver.notifyCopy(bill, other);
    driver.notifyCopy(bill, "waiting");
    ledger.count("late conflicting notifications");
    awaitFinal(bill, deadline);
  }

  private void cancelFlow(BillSeen bill, int n, long deadline) {
    Answer cancelled = driver.idempotent("cancel", "/v1/bills/" + bill.billId + "/cancel", "cancel-" + run + "-" + n,
        new JsonObject(), deadline);
    if (cancelled.status() == 200) {
      ledger.seeFinal(bill.billId, cancelled.json().getString("status"));
    }
    if (awaitFinal(bill, deadline) != null) {
      lateConflicts(bill, "paid", deadline);
    }
  }

  private void sandboxFinish(BillSeen bill, String action, String status, long deadline) {
    if (driver.sandboxAction(bill.billId, action).status() == 200) {
      driver.notifyCopy(bill, status);
    }
    awaitFinal(bill, deadline);
  }

  /** Cancel through the gateway while the buyer pays at QIWI: whichever wins, all parties must agree. */
  private void raceFlow(BillSeen bill, int n, long deadline) {
    CompletableFuture<Answer> payment = CompletableFuture.supplyAsync(
        () -> driver.sandboxAction(bill.billId, "pay"), aux);
    Answer cancelled = driver.idempotent("cancel", "/v1/bills/" + bill.billId + "/cancel", "cancel-" + run + "-" + n,
        new JsonObject(), deadline);
    if (cancelled.status() == 200) {
      ledger.seeFinal(bill.billId, cancelled.json().getString("status"));
    }
    payment.join();
    ledger.count("cancel-versus-pay races");
    awaitFinal(bill, deadline);
  }
}
