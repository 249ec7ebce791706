package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls the flows make, each counted in the ledger: the merchant API through the proxy (retried with
 * the same key until the outcome is known), the buyer's actions at the sandbox, and notification copies
 * signed as QIWI signs them. Blocking; the driver's threads only.
 */
final class Driver {

  private final Http http;
  private final Ledger ledger;
  private final String proxyBase;
  private final String sandboxBase;
  private final String merchantToken;
  private final String secretKey;
  private final String run;
  private final ExecutorService aux;
  private final AtomicLong nonce = new AtomicLong();

  Driver(Http http, Ledger ledger, String proxyBase, String sandboxBase, String merchantToken, String run,
      ExecutorService aux) {
    this.http = http;
    this.ledger = ledger;
    this.proxyBase = proxyBase;
    this.sandboxBase = sandboxBase;
    this.merchantToken = merchantToken;
    this.secretKey = QiwiNotification.secretKey(Fixture.PRV_ID, Fixture.API_ID, Fixture.API_SECRET);
    this.run = run;
    this.aux = aux;
  }

  Answer api(String method, String path, String key, JsonObject body, Duration timeout) {
    String url = proxyBase + path;
    String auth = "Bearer " + merchantToken;
    if (method.equals("GET")) {
      return http.get(url, timeout, "Authorization", auth);
    }
    return http.post(url, body.encode(), "application/json", timeout, "Authorization", auth, "Idempotency-Key", key);
  }

  /** POSTs until the outcome is known: retries keep the same key and body, as the contract asks of callers. */
  Answer idempotent(String operation, String path, String key, JsonObject body, long deadline) {
    while (true) {
      Answer answer = api("POST", path, key, body, Duration.ofSeconds(6));
      ledger.answer(key, path, answer);
      ledger.count(operation + " " + answer.label());
      if (!answer.retryable() || System.nanoTime() > deadline) {
        return answer;
      }
      ledger.count(operation + " retried");
      Util.sleep(answer.retryDelayMillis());
    }
  }

  /** The buyer (or QIWI) acting on a bill at the sandbox: pay, decline, fail, expire. */
  Answer sandboxAction(String billId, String action) {
    Answer answer = http.post(sandboxBase + "/sandbox/bills/" + billId + "/" + action, null, null,
        Duration.ofSeconds(5));
    ledger.count("sandbox " + action + " " + answer.status());
    return answer;
  }

  /** QIWI settles a refund now with the given status (e.g. fail). */
  Answer settleRefund(String billId, String refundId, String status) {
    Answer settled = http.post(sandboxBase + "/sandbox/bills/" + billId + "/refunds/" + refundId
        + "/settle?status=" + status, null, null, Duration.ofSeconds(5));
    ledger.count("sandbox refund " + status + " " + settled.status());
    return settled;
  }

  /** A notification signed as QIWI signs it, with an unsigned extra field that makes each copy unique. */
  Answer notifyCopy(BillSeen bill, String status) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("prv_id", Fixture.PRV_ID);
    fields.put("bill_id", bill.billId);
    fields.put("status", status);
    fields.put("error", "0");
    fields.put("amount", QiwiNotification.amount(bill.amount));
    fields.put("phone", bill.customer);
    fields.put("currency", "RUB");
    fields.put("comment", "replica audit copy");
    fields.put("version", "1");
    fields.put("extra_copy", run + "-" + nonce.incrementAndGet());
    Answer answer = http.post(proxyBase + Fixture.NOTIFY_PATH, QiwiNotification.encode(fields),
        "application/x-www-form-urlencoded; charset=utf-8", Duration.ofSeconds(8),
        "X-Api-Signature", QiwiNotification.signature(secretKey, fields), "User-Agent", "replica-audit-driver");
    ledger.count("notification copy " + answer.status());
    return answer;
  }

  void notifyCopies(BillSeen bill, String status, int copies, boolean concurrently) {
    if (concurrently) {
      List<CompletableFuture<Answer>> sent = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        sent.add(CompletableFuture.supplyAsync(() -> notifyCopy(bill, status), aux));
      }
      sent.forEach(CompletableFuture::join);
    } else {
      for (int i = 0; i < copies; i++) {
        notifyCopy(bill, status);
      }
    }
  }
}
