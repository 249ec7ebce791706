package dev.qiwigateway.config;

import java.time.Duration;

/**
 * How long a request may hold its Idempotency-Key before another request or the completer may take
 * it over, how often the completer looks, and how long keys are kept (at least 48 hours: longer than
 * QIWI's 24-hour notification window).
 */
public record IdempotencySettings(Duration lease, Duration completerPeriod, Duration retention) {

  static final Duration MIN_RETENTION = Duration.ofHours(48);

  static IdempotencySettings read(SettingsReader in) {
    Duration lease = Duration.ofMillis(in.integer("IDEMPOTENCY_LEASE_MS", 60_000, 100, 3_600_000));
    Duration period = Duration.ofMillis(in.integer("IDEMPOTENCY_COMPLETER_PERIOD_MS", 5_000, 50, 3_600_000));
    Duration retention = in.duration("IDEMPOTENCY_RETENTION", Duration.ofHours(72));
    if (retention.compareTo(MIN_RETENTION) < 0) {
      in.problem("IDEMPOTENCY_RETENTION", "must be at least PT48H");
    }
    return new IdempotencySettings(lease, period, retention);
  }
}
