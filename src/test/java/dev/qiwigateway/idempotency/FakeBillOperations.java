package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the bill service: an "issue bill" operation that records every execution (with the
 * record it was given) and behaves as the request body's {@code scenario} says. Its answers carry a
 * per-execution id, so a replay that re-ran the operation would show.
 */
final class FakeBillOperations {

  static final String ISSUE = "issue_bill";
  static final String ISSUE_SENT = "issue_sent";

  private final Vertx vertx;
  private final Map<String, List<IdempotencyRecord>> executions = new ConcurrentHashMap<>();
  private final Map<String, Promise<Void>> holds = new ConcurrentHashMap<>();

  FakeBillOperations(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The operations of one replica: they complete through that replica's own pool and store. */
  Map<String, IdempotentOperation> operationsFor(Pool pool, IdempotencyStore store) {
    return Map.of(ISSUE, record -> issue(pool, store, record));
  }

  List<IdempotencyRecord> executionsOf(String merchantId, String key) {
    return List.copyOf(executions.getOrDefault(merchantId + "/" + key, List.of()));
  }

  List<IdempotencyRecord> executionsOf(String key) {
    return executionsOf(IdempotencyTestBed.MERCHANT, key);
  }

  int totalExecutions() {
    return executions.values().stream().mapToInt(List::size).sum();
  }

  /** A request of scenario "held" with this key waits in the operation until the promise completes. */
  Promise<Void> hold(String key) {
    return holds.computeIfAbsent(key, k -> Promise.promise());
  }

  private Future<Outcome> issue(Pool pool, IdempotencyStore store, IdempotencyRecord record) {
    executions.computeIfAbsent(record.merchantId() + "/" + record.key(), k -> new CopyOnWriteArrayList<>()).add(record);
    JsonObject body = record.request().getJsonObject("body", new JsonObject());
    return switch (body.getString("scenario", "issue")) {
      case "provider_down_once" -> IdempotencyRecord.STARTED.equals(record.recoveryPoint())
          ? providerDown(pool, store, record) : issued(pool, store, record);
      case "provider_rejected" -> Future.succeededFuture(new Outcome.Answered(StoredResponse.problem(
          Problem.of(422, "provider_rejected", "Provider rejected", "QIWI refused the bill.").with("providerCode", 150))));
      case "invalid" -> Future.succeededFuture(new Outcome.Discarded(Problem.validation(
          List.of(new Problem.FieldError("amount", "must be greater than zero")))));
      case "held" -> hold(record.key()).future().compose(released -> issued(pool, store, record));
      case "slow" -> vertx.timer(20).compose(later -> issued(pool, store, record));
      default -> issued(pool, store, record);
    };
  }

  /** QIWI did not answer after the PUT went out: progress is recorded, the outcome is unknown. */
  private Future<Outcome> providerDown(Pool pool, IdempotencyStore store, IdempotencyRecord record) {
    return pool.withTransaction(conn -> store.checkpoint(conn, record, ISSUE_SENT))
        .map(new Outcome.NotStored(Problem.of(503, "provider_unavailable", "Provider unavailable",
            "QIWI did not answer; retry with the same Idempotency-Key.").withRetryAfter(5)));
  }

  private Future<Outcome> issued(Pool pool, IdempotencyStore store, IdempotencyRecord record) {
    JsonObject body = record.request().getJsonObject("body", new JsonObject());
    JsonObject bill = new JsonObject()
        .put("billId", record.resourceId())
        .put("status", "waiting")
        .put("amount", body.getString("amount"))
        .put("resumedFrom", record.recoveryPoint())
        .put("execution", UUID.randomUUID().toString())
        .put("createdAt", Instant.now().toString());
    StoredResponse response = StoredResponse.json(201, bill).withHeader("Location", "/v1/bills/" + record.resourceId());
    return pool.withTransaction(conn -> store.complete(conn, record, response)).map(new Outcome.Completed(response));
  }
}
