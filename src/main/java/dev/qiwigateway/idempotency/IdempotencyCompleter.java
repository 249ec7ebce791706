package dev.qiwigateway.idempotency;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
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

  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);
  public static final int DEFAULT_BATCH = 16;
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyCompleter.class);

  private final IdempotencyStore store;
  private final Map<String, IdempotentOperation> operations;
  private final int batchSize;
  private final PeriodicTask task;

  public IdempotencyCompleter(Vertx vertx, IdempotencyStore store, Map<String, IdempotentOperation> operationsByName,
      Duration period, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.store = store;
    this.operations = Map.copyOf(operationsByName);
    this.batchSize = batchSize;
    this.task = new PeriodicTask(vertx, "idempotency-completer", period, this::runOnce);
  }

  public void start() {
    task.start();
  }

  /** Stops the timer; completes when the batch in progress (if any) has settled. */
  public Future<Void> stop() {
    return task.stop();
  }

  /** One batch: answers how many abandoned requests reached a final answer (stored or discarded). */
  public Future<Integer> runOnce() {
    return store.claimAbandoned(batchSize)
        .compose(records -> Future.all(records.stream().map(this::finish).toList())
            .map(all -> all.<Boolean>list().stream().filter(Boolean::booleanValue).count())
            .map(Long::intValue));
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
