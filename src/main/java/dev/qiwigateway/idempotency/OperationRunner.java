package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import dev.qiwigateway.idempotency.IdempotentOperation.Phase;
import dev.qiwigateway.idempotency.IdempotentOperation.Step;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an idempotent operation under its key's lease, for the request that claimed the key and for the
 * completer alike: each phase in one transaction that also stores the final answer with the key, the
 * work between phases after that commit. Whatever does not end in a stored answer ends the lease, so
 * the next try resumes at once; a holder that lost its lease learns the answer of the one that won.
 */
public final class OperationRunner {

  private static final String REPLAYED_HEADER = "Idempotent-Replayed";
  static final Problem IN_USE = Problem.of(409, "idempotency_key_in_use", "Idempotency key in use",
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
   * Runs (or resumes) the record's operation to its final answer, stored with the key. Fails when the
   * outcome is unknown, after ending the lease: with the operation's problem (e.g. 503
   * provider_unavailable) or its cause; or with 409 in use when another holder took the lease over and
   * has not answered yet.
   */
  public Future<Reply> run(IdempotencyRecord record) {
    // compose turns an operation that throws into a failed future
    return Future.succeededFuture(record).compose(this::firstPhase)
        .compose(phase -> runFrom(record, phase))
        .recover(failure -> failure instanceof IdempotencyRecord.LeaseLost ? answerOfNewHolder(record)
            : releaseAfter(record, failure));
  }

  static Reply replayed(Reply stored) {
    return stored.withHeader(REPLAYED_HEADER, "true");
  }

  private Future<Phase> firstPhase(IdempotencyRecord record) {
    IdempotentOperation operation = operations.get(record.kind());
    return operation == null ? Future.failedFuture(new IllegalStateException("no operation " + record.kind()))
        : Future.succeededFuture(operation.firstPhase(record));
  }

  private Future<Reply> runFrom(IdempotencyRecord record, Phase phase) {
    return pool.withTransaction(tx -> phase.commit(tx).compose(step -> step instanceof Step.Respond respond
            ? store.complete(tx, record, respond.reply()).map(step)
            : Future.succeededFuture(step)))
        .compose(step -> step instanceof Step.Respond respond ? Future.succeededFuture(respond.reply())
            : ((Step.Continue) step).next().get().compose(next -> runFrom(record, next)));
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
