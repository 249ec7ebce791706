package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.work.LeasedWork;
import dev.qiwigateway.work.LeasedWork.Handled;
import dev.qiwigateway.work.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes idempotent requests whose handler died (its lease expired and no retry came): takes their
 * leases in batches ({@code FOR UPDATE SKIP LOCKED}, so every replica may run one) and resumes each
 * operation through the {@link OperationRunner}, from where its domain row shows it got. An outcome
 * still unknown releases the lease for the next run or the caller's own retry.
 */
public final class IdempotencyCompleter {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyCompleter.class);

  private final IdempotencyStore store;
  private final OperationRunner runner;
  private final LeasedWork<IdempotencyRecord> abandoned;
  private final PeriodicTask task;

  public IdempotencyCompleter(Vertx vertx, IdempotencyStore store, OperationRunner runner, Duration period,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.store = store;
    this.runner = runner;
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

  /** One batch: answers how many abandoned requests reached their final answer. */
  public Future<Integer> runOnce() {
    return abandoned.round().map(LeasedWork.Round::finished);
  }

  /** Claimed but not started (the completer is stopping): a retry or another replica may resume them now. */
  private Future<Void> release(List<IdempotencyRecord> records) {
    return Future.join(records.stream().map(store::release).toList()).mapEmpty();
  }

  /** Never fails: one request's trouble must not hold up the rest of the batch. */
  private Future<Boolean> finish(IdempotencyRecord record) {
    return runner.run(record)
        .map(answered -> {
          LOG.atInfo().addKeyValue("merchantId", record.merchantId()).addKeyValue("idempotencyKey", record.key())
              .addKeyValue("operation", record.kind().storedName()).addKeyValue("status", answered.status())
              .log("finished an abandoned idempotent request");
          return true;
        })
        .recover(failure -> {
          // a problem (QIWI still unreachable, key taken over) is expected; anything else is worth a look
          (failure instanceof Problem ? LOG.atInfo().addKeyValue("reason", failure.getMessage())
              : LOG.atWarn().setCause(failure)).addKeyValue("idempotencyKey", record.key())
              .log("abandoned idempotent request still unfinished; retried when its lease expires");
          return Future.succeededFuture(false);
        });
  }
}
