package dev.qiwigateway.idempotency;

import dev.qiwigateway.work.LeasedWork;
import dev.qiwigateway.work.LeasedWork.Handled;
import dev.qiwigateway.work.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes idempotent requests whose handler died (its lease expired and no retry came): takes their
 * leases in batches ({@code FOR UPDATE SKIP LOCKED}, so every replica may run one) and resumes each
 * operation from its last recovery point. An outcome still unknown releases the lease for the next run
 * or the caller's own retry.
 */
public final class IdempotencyCompleter {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyCompleter.class);

  private final IdempotencyStore store;
  private final Map<String, IdempotentOperation> operations;
  private final LeasedWork<IdempotencyRecord> abandoned;
  private final PeriodicTask task;

  public IdempotencyCompleter(Vertx vertx, IdempotencyStore store, Map<String, IdempotentOperation> operationsByName,
      Duration period, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.store = store;
    this.operations = Map.copyOf(operationsByName);
    // The whole batch at once: it is small, and each request mostly waits on QIWI.
    this.abandoned = new LeasedWork<>("idempotency-completer", batchSize, batchSize, store::claimAbandoned,
        record -> finish(record).map(Handled::finishedIf), this::release);
    this.task = PeriodicTask.every(vertx, "idempotency-completer", period, this::runOnce);
  }

  public void start() {
    task.start();
  }

  /** Stops the timer; completes when the batch in progress (if any) has settled. */
  public Future<Void> stop() {
    return Future.join(task.stop(), abandoned.stop()).mapEmpty();
  }

  /** One batch: answers how many abandoned requests reached a final answer (stored or discarded). */
  public Future<Integer> runOnce() {
    return abandoned.round().map(LeasedWork.Round::finished);
  }

  /** Claimed but not started (the completer is stopping): a retry or another replica may resume them now. */
  private Future<Void> release(List<IdempotencyRecord> records) {
    return Future.join(records.stream().map(store::release).toList()).mapEmpty();
  }

  /** Never fails: one request's trouble must not hold up the rest of the batch. */
  private Future<Boolean> finish(IdempotencyRecord record) {
    IdempotentOperation operation = operations.get(record.operation());
    if (operation == null) {
      LOG.atError().addKeyValue("operation", record.operation()).addKeyValue("idempotencyKey", record.key())
          .log("abandoned idempotent request of an unknown operation; left for its lease to expire");
      return Future.succeededFuture(false);
    }
    // compose turns an operation that throws into a failed future
    return Future.succeededFuture(record).compose(operation::execute)
        .compose(outcome -> store.settle(record, outcome).map(outcome))
        .map(outcome -> outcome instanceof Outcome.Completed || outcome instanceof Outcome.Answered
            || outcome instanceof Outcome.Discarded)
        .onSuccess(finished -> (finished ? LOG.atInfo() : LOG.atDebug()).addKeyValue("merchantId", record.merchantId())
            .addKeyValue("idempotencyKey", record.key()).addKeyValue("operation", record.operation())
            .addKeyValue("recoveryPoint", record.recoveryPoint()).addKeyValue("finished", finished)
            .log("resumed an abandoned idempotent request"))
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("idempotencyKey", record.key())
              .log("abandoned idempotent request still unfinished; retried when its lease expires");
          return Future.succeededFuture(false);
        });
  }
}
