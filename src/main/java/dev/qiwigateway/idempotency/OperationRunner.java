package dev.qiwigateway.idempotency;

import dev.qiwigateway.db.Database;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord.Claim;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import dev.qiwigateway.idempotency.IdempotentOperation.Phase;
import dev.qiwigateway.idempotency.IdempotentOperation.Step;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one runner of idempotent operations (docs/api.md#idempotency), for the merchant POST that claims
 * a key and for the completer alike. Route handlers read and validate a request once and hand it to
 * {@link #handle}: the answer is the operation's fresh one, the stored one replayed byte for byte, or a
 * refusal as in use / reused. Each phase runs in one transaction that also stores the final answer
 * with the key (the first phase of a request also claims the key in it), the work between phases after
 * that commit. An issue thus commits twice: key and reserved bill; then QIWI's answer, its event and
 * the stored reply. Whatever does not end in a stored answer ends the lease, so the next try resumes at
 * once; a holder that lost its lease learns the answer of the one that won.
 */
public final class OperationRunner {

  private static final String REPLAYED_HEADER = "Idempotent-Replayed";
  private static final Problem REUSED = Problem.of(422, "idempotency_key_reused", "Idempotency key reused",
      "This Idempotency-Key was already used for a different request (method, path or body).");
  private static final Problem IN_USE = Problem.of(409, "idempotency_key_in_use", "Idempotency key in use",
      "A request with this Idempotency-Key is still being processed; retry shortly.").withRetryAfter(1);
  private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

  private final Pool pool;
  private final IdempotencyStore store;
  private final Map<Kind, IdempotentOperation> operations = new EnumMap<>(Kind.class);

  public OperationRunner(Pool pool, IdempotencyStore store, List<IdempotentOperation> operations) {
    this.pool = pool;
    this.store = store;
    operations.forEach(operation -> this.operations.put(operation.kind(), operation));
  }

  /**
   * The idempotent answer to a merchant POST, for {@link dev.qiwigateway.http.Reply#respond}.
   *
   * @param body               the request body as the handler read it (null or empty: none); the
   *                           fingerprint is taken from it, the body is not parsed again
   * @param request            everything the operation needs (path parameters and body), stored with the key
   * @param proposedResourceId the billId/refundId to use if the key is new; ignored when resuming
   * @param freshStart         the first phase for a new key, from the request as the handler validated
   *                           it (no decoding of its stored form); null, or a taken-over key, starts
   *                           from the stored request
   */
  public Future<Reply> handle(RoutingContext ctx, IdempotencyKey key, Kind operation, JsonObject body,
      JsonObject request, String proposedResourceId, Function<IdempotencyRecord, Phase> freshStart) {
    String fingerprint = IdempotencyKey.fingerprint(ctx.request().method().name(), ctx.normalizedPath(), body);
    return claimAndRun(key, fingerprint, operation, request, proposedResourceId, freshStart);
  }

  /**
   * Runs (or resumes) the record's operation to its final answer, stored with the key. Fails when the
   * outcome is unknown, after ending the lease: with the operation's problem (e.g. 503
   * provider_unavailable) or its cause; or with 409 in use when another holder took the lease over and
   * has not answered yet.
   */
  public Future<Reply> run(IdempotencyRecord record) {
    // compose turns an operation that throws into a failed future
    return Future.succeededFuture(record).compose(this::firstPhase)
        .compose(phase -> runFrom(record, phase))
        .recover(failure -> settle(record, failure));
  }

  /**
   * Claims the key and, when this request may run it, commits the operation's first phase in the
   * claim's own transaction (one commit for both: the key is never stored without the first domain
   * write, nor that write without its key), then goes on as {@link #run}. A failure before that commit
   * leaves nothing behind, so there is no lease to end.
   */
  private Future<Reply> claimAndRun(IdempotencyKey key, String fingerprint, Kind kind, JsonObject request,
      String proposedResourceId, Function<IdempotencyRecord, Phase> freshStart) {
    return Database.transaction(pool, tx -> store.claim(tx, key, fingerprint, kind, request, proposedResourceId)
            .compose(claim -> claim instanceof Claim.Acquired acquired
                ? startPhase(acquired, freshStart).compose(phase -> commit(tx, acquired.record(), phase))
                    .map(step -> new Claimed(claim, step))
                : Future.succeededFuture(new Claimed(claim, null))))
        .compose(claimed -> claimed.claim() instanceof Claim.Acquired acquired
            ? continueAfter(acquired.record(), claimed.step()).recover(failure -> settle(acquired.record(), failure))
            : notOurs(claimed.claim()));
  }

  /** The answer when the key is not this request's to run: replay, in use, reused. */
  private static Future<Reply> notOurs(Claim claim) {
    if (claim instanceof Claim.Replay replay) {
      return Future.succeededFuture(replayed(replay.response()));
    }
    return Future.failedFuture(claim instanceof Claim.InUse ? IN_USE : REUSED);
  }

  private static Reply replayed(Reply stored) {
    return stored.withHeader(REPLAYED_HEADER, "true");
  }

  private Future<Phase> startPhase(Claim.Acquired acquired, Function<IdempotencyRecord, Phase> freshStart) {
    return acquired.fresh() && freshStart != null ? Future.succeededFuture(freshStart.apply(acquired.record()))
        : firstPhase(acquired.record());
  }

  private Future<Phase> firstPhase(IdempotencyRecord record) {
    IdempotentOperation operation = operations.get(record.kind());
    return operation == null ? Future.failedFuture(new IllegalStateException("no operation " + record.kind()))
        : Future.succeededFuture(operation.firstPhase(record));
  }

  /** The phase's writes and, when it answers, the stored answer: all in {@code tx}. */
  private Future<Step> commit(SqlConnection tx, IdempotencyRecord record, Phase phase) {
    return phase.commit(tx).compose(step -> step instanceof Step.Respond respond
        ? Future.all(respond.writing(), store.complete(tx, record, respond.reply())).map(step)
        : Future.succeededFuture(step));
  }

  private Future<Reply> runFrom(IdempotencyRecord record, Phase phase) {
    return Database.transaction(pool, tx -> commit(tx, record, phase)).compose(step -> continueAfter(record, step));
  }

  /** After a phase committed: its answer, or the work outside the database and the phase that records it. */
  private Future<Reply> continueAfter(IdempotencyRecord record, Step step) {
    if (step instanceof Step.Respond respond) {
      return Future.succeededFuture(respond.reply());
    }
    Supplier<Future<Phase>> next = ((Step.Continue) step).next();
    return Future.succeededFuture(next).compose(Supplier::get).compose(phase -> runFrom(record, phase));
  }

  private Future<Reply> settle(IdempotencyRecord record, Throwable failure) {
    return failure instanceof IdempotencyRecord.LeaseLost ? answerOfNewHolder(record) : releaseAfter(record, failure);
  }

  /** What the claim's transaction decided: the claim and, when it was acquired, the first phase's step. */
  private record Claimed(Claim claim, Step step) {
  }

  /** Another holder took the expired lease over: its stored answer, or in use while it still works. */
  private Future<Reply> answerOfNewHolder(IdempotencyRecord record) {
    return store.storedReply(record.idempotencyKey())
        .compose(stored -> stored.map(reply -> Future.succeededFuture(replayed(reply)))
            .orElseGet(() -> Future.failedFuture(IN_USE)));
  }

  /** Waits for the release, so that a retry sent as soon as this answer arrives resumes rather than waits. */
  private Future<Reply> releaseAfter(IdempotencyRecord record, Throwable failure) {
    if (!(failure instanceof Problem)) {
      LOG.atWarn().addKeyValue("merchantId", record.merchantId()).addKeyValue("idempotencyKey", record.key())
          .addKeyValue("operation", record.kind().storedName()).addKeyValue("reason", String.valueOf(failure))
          .log("idempotent operation failed; its key is released for a retry");
    }
    return store.release(record).transform(released -> {
      if (released.failed()) {
        LOG.atWarn().setCause(released.cause()).addKeyValue("idempotencyKey", record.key())
            .log("could not release an idempotency lease; it will expire");
      }
      return Future.failedFuture(failure);
    });
  }
}
