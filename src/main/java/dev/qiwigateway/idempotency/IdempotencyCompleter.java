package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes idempotent requests whose handler died (its lease expired and no retry came): takes their
 * leases in batches ({@code FOR UPDATE SKIP LOCKED}, so every replica may run one) and resumes each
 * operation through the {@link OperationRunner}, from where its domain row shows it got. An outcome
 * still unknown releases the lease for the next run or the caller's own retry.
 */
public final class IdempotencyCompleter {

  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);
  public static final int DEFAULT_BATCH = 16;
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyCompleter.class);

  private final IdempotencyStore store;
  private final OperationRunner runner;
  private final int batchSize;
  private final PeriodicTask task;

  public IdempotencyCompleter(Vertx vertx, IdempotencyStore store, OperationRunner runner, Duration period,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.store = store;
    this.runner = runner;
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

  /** One batch: answers how many abandoned requests reached their final answer. */
  public Future<Integer> runOnce() {
    return store.claimAbandoned(batchSize)
        .compose(records -> Future.all(records.stream().map(this::finish).toList())
            .map(all -> all.<Boolean>list().stream().filter(Boolean::booleanValue).count())
            .map(Long::intValue));
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
