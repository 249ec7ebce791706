package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the bill service, shaped like it: an "issue bill" operation whose first phase reserves a
 * row of its own table ({@code fake_bill}, the recovery point, as the bill row is for the real one) and
 * whose second phase, after the "call to QIWI", marks it issued and answers. Every run is recorded with
 * the record it was given and the state its first phase found; it behaves as the request body's
 * {@code scenario} says. Its answers carry a per-run id, so a replay that re-ran the operation would show.
 */
final class FakeBillOperations implements IdempotentOperation {

  /** The state of the fake bill once the first phase committed: where a resumption starts. */
  static final String RESERVED = "reserved";
  static final String TABLE = "CREATE TABLE fake_bill (merchant_id text, idem_key text, bill_id text NOT NULL, "
      + "state text NOT NULL, PRIMARY KEY (merchant_id, idem_key))";
  private static final String RESERVE = "INSERT INTO fake_bill VALUES ($1, $2, $3, 'reserved') ON CONFLICT DO NOTHING";
  private static final String STATE = "SELECT state FROM fake_bill WHERE merchant_id = $1 AND idem_key = $2";
  private static final String ISSUED = "UPDATE fake_bill SET state = 'issued' WHERE merchant_id = $1 AND idem_key = $2";

  /** One execution: the record it ran with, and the fake bill's state it resumed from (null: a fresh run). */
  record Run(IdempotencyRecord record, String resumedFrom) {
    String resourceId() {
      return record.resourceId();
    }
  }

  private final Vertx vertx;
  private final Map<String, List<Run>> executions = new ConcurrentHashMap<>();
  private final Map<String, Promise<Void>> holds = new ConcurrentHashMap<>();

  FakeBillOperations(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Kind kind() {
    return Kind.ISSUE_BILL;
  }

  List<Run> executionsOf(String merchantId, String key) {
    return List.copyOf(executions.getOrDefault(merchantId + "/" + key, List.of()));
  }

  List<Run> executionsOf(String key) {
    return executionsOf(IdempotencyTestBed.MERCHANT, key);
  }

  int totalExecutions() {
    return executions.values().stream().mapToInt(List::size).sum();
  }

  /** A request of scenario "held" with this key waits in the operation until the promise completes. */
  Promise<Void> hold(String key) {
    return holds.computeIfAbsent(key, k -> Promise.promise());
  }

  /** What a handler that died after its first phase left behind: the reserved fake bill. */
  static Future<Void> reserve(SqlClient client, IdempotencyRecord record) {
    return client.preparedQuery(RESERVE).execute(Tuple.of(record.merchantId(), record.key(), record.resourceId()))
        .mapEmpty();
  }

  @Override
  public Phase firstPhase(IdempotencyRecord record) {
    Tuple key = Tuple.of(record.merchantId(), record.key());
    return tx -> tx.preparedQuery(RESERVE).execute(Tuple.of(record.merchantId(), record.key(), record.resourceId()))
        .compose(inserted -> inserted.rowCount() == 1 ? Future.succeededFuture((String) null)
            : tx.preparedQuery(STATE).execute(key).map(rows -> rows.iterator().next().getString(0)))
        .map(found -> decide(new Run(record, found)));
  }

  private Step decide(Run run) {
    IdempotencyRecord record = run.record();
    executions.computeIfAbsent(record.merchantId() + "/" + record.key(), k -> new CopyOnWriteArrayList<>()).add(run);
    JsonObject body = record.request().getJsonObject("body", new JsonObject());
    return switch (body.getString("scenario", "issue")) {
      case "provider_rejected" -> Step.respond(Reply.problem(
          Problem.of(422, "provider_rejected", "Provider rejected", "QIWI refused the bill.").with("providerCode", 150)));
      // QIWI did not answer after the PUT went out: the outcome is unknown, the reserved bill stays.
      case "provider_down_once" -> Step.then(() -> run.resumedFrom() == null
          ? Future.failedFuture(Problem.of(503, "provider_unavailable", "Provider unavailable",
              "QIWI did not answer; retry with the same Idempotency-Key.").withRetryAfter(5))
          : Future.succeededFuture(issued(run)));
      case "held" -> Step.then(() -> hold(record.key()).future().map(released -> issued(run)));
      case "slow" -> Step.then(() -> vertx.timer(20).map(later -> issued(run)));
      default -> Step.then(() -> Future.succeededFuture(issued(run)));
    };
  }

  private Phase issued(Run run) {
    IdempotencyRecord record = run.record();
    JsonObject body = record.request().getJsonObject("body", new JsonObject());
    JsonObject bill = new JsonObject()
        .put("billId", record.resourceId())
        .put("status", "waiting")
        .put("amount", body.getString("amount"))
        .put("resumedFrom", run.resumedFrom())
        .put("execution", UUID.randomUUID().toString())
        .put("createdAt", Instant.now().toString());
    Reply reply = Reply.json(201, bill).withHeader("Location", "/v1/bills/" + record.resourceId());
    return (SqlConnection tx) -> tx.preparedQuery(ISSUED).execute(Tuple.of(record.merchantId(), record.key()))
        .map(updated -> Step.respond(reply));
  }
}
