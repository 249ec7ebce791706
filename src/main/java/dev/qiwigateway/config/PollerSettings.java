package dev.qiwigateway.config;

import java.time.Duration;

/**
 * The status poller (docs/architecture.md#the-status-poller): the safety net that brings bills in {@code waiting} and refunds
 * in {@code processing} to their final status when no notification arrives. Settings, all in
 * milliseconds:
 * <pre>
 * POLL_INTERVAL_MS            1000     pause between rounds (a round never overlaps the next)
 * POLL_BATCH                  10       bills, and as many refunds, claimed per round and replica
 * POLL_CONCURRENCY            4        status calls in flight per round
 * POLL_LEASE_MS               120000   how long a claim keeps other replicas off a bill; a claim not
 *                                      polled within half of it is given back unpolled
 * POLL_BILL_FIRST_DELAY_MS    30000    first check after issue; then doubled per check ...
 * POLL_BILL_MAX_INTERVAL_MS   900000   ... up to this cap, but never past expires_at, and one check at
 * POLL_BILL_EXPIRY_GRACE_MS   300000   expires_at + this grace; still waiting after it: checked at the cap
 * POLL_REFUND_FIRST_DELAY_MS  10000    first check after QIWI accepted a refund; doubled per check ...
 * POLL_REFUND_MAX_INTERVAL_MS 1800000  ... up to this cap, until QIWI reports success or fail
 * </pre>
 * With the defaults a replica makes at most 10 bill and 10 refund checks a second (QIWI's account
 * limit, shared with the API, is 50 calls a second), and a round stops as soon as QIWI's circuit or
 * rate limit refuses a check.
 */
public record PollerSettings(
    Duration interval,
    int batch,
    int concurrency,
    Duration lease,
    Duration billFirstDelay,
    Duration billMaxInterval,
    Duration billExpiryGrace,
    Duration refundFirstDelay,
    Duration refundMaxInterval) {

  private static final int DAY_MS = 86_400_000;

  static PollerSettings read(SettingsReader in) {
    PollerSettings settings = new PollerSettings(
        millis(in, "POLL_INTERVAL_MS", 1_000, 10, 600_000),
        in.integer("POLL_BATCH", 10, 1, 1_000),
        in.integer("POLL_CONCURRENCY", 4, 1, 64),
        millis(in, "POLL_LEASE_MS", 120_000, 1_000, 3_600_000),
        millis(in, "POLL_BILL_FIRST_DELAY_MS", 30_000, 10, DAY_MS),
        millis(in, "POLL_BILL_MAX_INTERVAL_MS", 900_000, 10, DAY_MS),
        millis(in, "POLL_BILL_EXPIRY_GRACE_MS", 300_000, 0, DAY_MS),
        millis(in, "POLL_REFUND_FIRST_DELAY_MS", 10_000, 10, DAY_MS),
        millis(in, "POLL_REFUND_MAX_INTERVAL_MS", 1_800_000, 10, DAY_MS));
    if (settings.billMaxInterval.compareTo(settings.billFirstDelay) < 0) {
      in.problem("POLL_BILL_MAX_INTERVAL_MS", "must not be below POLL_BILL_FIRST_DELAY_MS");
    }
    if (settings.refundMaxInterval.compareTo(settings.refundFirstDelay) < 0) {
      in.problem("POLL_REFUND_MAX_INTERVAL_MS", "must not be below POLL_REFUND_FIRST_DELAY_MS");
    }
    return settings;
  }

  private static Duration millis(SettingsReader in, String name, int fallback, int min, int max) {
    return Duration.ofMillis(in.integer(name, fallback, min, max));
  }

  String describe() {
    return "every " + interval.toMillis() + " ms, batch " + batch + ", bills " + billFirstDelay + ".." + billMaxInterval
        + " grace " + billExpiryGrace + ", refunds " + refundFirstDelay + ".." + refundMaxInterval;
  }
}
