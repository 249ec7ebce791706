package dev.qiwigateway.config;

import java.time.Duration;

/**
 * Idempotency keys and their background work. A request holds its Idempotency-Key for {@code lease}
 * (longer than a QIWI call with all its retries, so a live handler keeps its key) before another request
 * or the completer may take it over; the completer looks every {@code completerPeriod} for up to
 * {@code completerBatch} abandoned requests. Keys are kept for {@code retention}, at least 48 hours:
 * longer than QIWI's 24-hour notification window. The reaper purges older ones every
 * {@code reaperPeriod}, {@code purgeBatch} keys per statement so that none holds many row locks or runs
 * long, at most {@code purgeBatchesPerRun} statements per run: a larger backlog waits for the next run.
 */
public record IdempotencySettings(Duration lease, Duration completerPeriod, int completerBatch, Duration retention,
    Duration reaperPeriod, int purgeBatch, int purgeBatchesPerRun) {

  public static final Duration MIN_RETENTION = Duration.ofHours(48);
  private static final int COMPLETER_BATCH = 16;
  private static final Duration REAPER_PERIOD = Duration.ofMinutes(10);
  private static final int PURGE_BATCH = 1000;
  private static final int PURGE_BATCHES_PER_RUN = 100;

  static IdempotencySettings read(SettingsReader in) {
    Duration lease = Duration.ofMillis(in.integer("IDEMPOTENCY_LEASE_MS", 60_000, 100, 3_600_000));
    Duration period = Duration.ofMillis(in.integer("IDEMPOTENCY_COMPLETER_PERIOD_MS", 5_000, 50, 3_600_000));
    Duration retention = in.duration("IDEMPOTENCY_RETENTION", Duration.ofHours(72));
    if (retention.compareTo(MIN_RETENTION) < 0) {
      in.problem("IDEMPOTENCY_RETENTION", "must be at least PT48H");
    }
    return new IdempotencySettings(lease, period, COMPLETER_BATCH, retention, REAPER_PERIOD, PURGE_BATCH,
        PURGE_BATCHES_PER_RUN);
  }
}
