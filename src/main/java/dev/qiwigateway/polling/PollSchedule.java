package dev.qiwigateway.polling;

import dev.qiwigateway.work.PeriodicTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When to ask QIWI next about something that is not final yet. Checks back off exponentially from
 * {@code firstDelay} (the delay after issue or acceptance) to {@code maxInterval}: a buyer usually
 * pays within minutes, so early checks are cheap insurance and late ones would mostly hear "waiting".
 * The doubling is the gateway's one {@link PeriodicTask.Backoff}, without jitter: the schedule is
 * documented (docs/architecture.md#the-status-poller) and the claims' leases already spread replicas.
 *
 * <p>A bill's schedule also knows its expiry: no check is scheduled past {@code expires_at} (QIWI
 * reports {@code expired} from then on, or the payment that raced the deadline), and one falls on
 * {@code expires_at + expiryGrace}, which covers a payment completing at the deadline and QIWI's own
 * expiry sweep. A bill QIWI still calls waiting after that is checked at the cap until QIWI reports a
 * final status: the poller never decides a status itself, and a bill left waiting forever would be
 * worse than one cheap call per cap interval.
 *
 * <p>{@code BillStore.MARK_ISSUED} applies the same rule in SQL for the first check
 * ({@link #nextBillCheck} with no checks done).
 */
public record PollSchedule(Duration firstDelay, Duration maxInterval, Duration expiryGrace) {

  public PollSchedule {
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(maxInterval, "maxInterval");
    Objects.requireNonNull(expiryGrace, "expiryGrace");
    if (firstDelay.isNegative() || firstDelay.isZero()) {
      throw new IllegalArgumentException("first delay must be positive");
    }
    if (maxInterval.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException("max interval must not be below the first delay");
    }
    if (expiryGrace.isNegative()) {
      throw new IllegalArgumentException("expiry grace must not be negative");
    }
  }

  /** A schedule for what has no deadline (refunds). */
  public static PollSchedule openEnded(Duration firstDelay, Duration maxInterval) {
    return new PollSchedule(firstDelay, maxInterval, Duration.ZERO);
  }

  /** The wait after {@code checksDone} checks: the first delay, doubled per check, capped. */
  public Duration backoff(int checksDone) {
    if (checksDone < 0) {
      throw new IllegalArgumentException("checks done must not be negative");
    }
    return Duration.ofMillis(new PeriodicTask.Backoff(firstDelay, maxInterval).doubledMs(checksDone));
  }

  /** The next check of something without a deadline. */
  public Instant nextCheck(Instant now, int checksDone) {
    return now.plus(backoff(checksDone));
  }

  /** The next check of a bill that expires at {@code expiresAt}: the back-off, clipped to the next deadline. */
  public Instant nextBillCheck(Instant now, int checksDone, Instant expiresAt) {
    Instant backedOff = nextCheck(now, checksDone);
    Instant finalCheck = expiresAt.plus(expiryGrace);
    if (now.isBefore(expiresAt)) {
      return earlier(backedOff, expiresAt);
    }
    if (now.isBefore(finalCheck)) {
      return earlier(backedOff, finalCheck);
    }
    return now.plus(maxInterval);
  }

  /** Whether a bill checked at {@code now} is past its final check and QIWI should have reported it final. */
  public boolean pastFinalCheck(Instant now, Instant expiresAt) {
    return !now.isBefore(expiresAt.plus(expiryGrace));
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
