package dev.qiwigateway.idempotency;

import dev.qiwigateway.config.IdempotencySettings;
import dev.qiwigateway.work.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges idempotency keys once their retention has passed, in bounded batches so that no statement
 * holds many row locks or runs long. The retention is at least 48 hours: longer than QIWI's 24-hour
 * notification window, so a retry never outlives its key (docs/api.md#idempotency).
 */
public final class IdempotencyReaper {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyReaper.class);

  private final IdempotencyStore store;
  private final Duration retention;
  private final int batchSize;
  private final int maxBatchesPerRun;
  private final PeriodicTask task;

  /** A run stops after {@code maxBatchesPerRun} full batches; a larger backlog waits for the next run. */
  public IdempotencyReaper(Vertx vertx, IdempotencyStore store, Duration retention, Duration period, int batchSize,
      int maxBatchesPerRun) {
    if (retention.compareTo(IdempotencySettings.MIN_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "idempotency keys must be kept at least " + IdempotencySettings.MIN_RETENTION.toHours() + " hours");
    }
    if (batchSize < 1 || maxBatchesPerRun < 1) {
      throw new IllegalArgumentException("batch size and batches per run must be positive");
    }
    this.store = store;
    this.retention = retention;
    this.batchSize = batchSize;
    this.maxBatchesPerRun = maxBatchesPerRun;
    this.task = PeriodicTask.every(vertx, "idempotency-reaper", period, this::runOnce);
  }

  public void start() {
    task.start();
  }

  public Future<Void> stop() {
    return task.stop();
  }

  /** Purges batch after batch until one comes back short; answers how many keys were deleted. */
  public Future<Integer> runOnce() {
    return purge(0, 0).onSuccess(total -> {
      if (total > 0) {
        LOG.atInfo().addKeyValue("purged", total).log("purged expired idempotency keys");
      }
    });
  }

  private Future<Integer> purge(int batches, int total) {
    return store.purgeOlderThan(retention, batchSize).compose(deleted -> {
      boolean more = deleted == batchSize && batches + 1 < maxBatchesPerRun;
      return more ? purge(batches + 1, total + deleted) : Future.succeededFuture(total + deleted);
    });
  }
}
