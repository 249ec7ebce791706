package dev.qiwigateway.polling;

import dev.qiwigateway.db.Database;
import dev.qiwigateway.config.PollerSettings;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.resilience.QiwiUnavailable;
import dev.qiwigateway.work.LeasedWork.Handled;
import dev.qiwigateway.work.LeasedWork;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rounds of status checks of one kind, as {@link LeasedWork}: claim a batch, check it with bounded
 * concurrency, record each answer, give back what was not checked. Runs on the poller verticle's event
 * loop only, so its state needs no locking.
 *
 * <p>When QIWI cannot even be asked (the operation's circuit is open, the account's rate limit or
 * bulkhead is full) the round stops, its unchecked claims go back unchanged, and this kind pauses for
 * as long as the guard says (an open circuit knows its remaining wait): polling must not spin on a
 * refusing guard, nor push bills down their back-off for an outage that is not theirs.
 */
final class KindPoller<C, A> {

  private static final Logger LOG = LoggerFactory.getLogger(KindPoller.class);

  private final PolledKind<C, A> kind;
  private final Pool pool;
  private final Clock clock;
  private final PollerMetrics metrics;
  private final LeasedWork<C> checks;
  private long pausedUntilNanos = System.nanoTime();

  KindPoller(PolledKind<C, A> kind, Pool pool, PollerSettings settings, PollerMetrics metrics, Clock clock) {
    this.kind = kind;
    this.pool = pool;
    this.clock = clock;
    this.metrics = metrics;
    this.checks = new LeasedWork<C>(kind.name() + "-poll", settings.batch(), settings.concurrency(),
        limit -> kind.claim(limit, settings.lease()), this::check, kind::release)
        .startingWithinHalfOf(settings.lease())
        .holdingOffWhile(this::paused)
        .reportingLag(kind::lag, lag -> metrics.lag(kind.name(), lag));
  }

  /** One round; never fails, so the next round always comes. */
  Future<LeasedWork.Round> round() {
    return checks.round();
  }

  /** Stops taking claims; a round in progress finishes the checks in flight and gives the rest back. */
  Future<Void> stop() {
    return checks.stop();
  }

  /** One check; never fails: every ending is recorded, counted, or the claim is given back. */
  private Future<Handled> check(C claim) {
    return Future.succeededFuture(claim).compose(kind::ask)
        .transform(answer -> recordAnswer(claim, answer))
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("kind", kind.name())
              .log("could not record the status check of " + kind.describe(claim) + "; its lease will lapse");
          return Future.succeededFuture(PollOutcome.FAILED);
        })
        .map(outcome -> {
          metrics.polled(kind.name(), outcome);
          return switch (outcome) {
            case DEFERRED -> Handled.GIVE_BACK;
            case FAILED -> Handled.UNFINISHED;
            default -> Handled.FINISHED;
          };
        });
  }

  private Future<PollOutcome> recordAnswer(C claim, AsyncResult<A> answer) {
    if (answer.succeeded()) {
      return record(claim, answer.result()).map(changed -> changed ? PollOutcome.CHANGED : PollOutcome.UNCHANGED);
    }
    Throwable failure = answer.cause();
    if (failure instanceof QiwiUnavailable unavailable && nothingWasSent(unavailable.reason())) {
      pause(unavailable);
      return Future.succeededFuture(PollOutcome.DEFERRED);
    }
    PollOutcome outcome = outcomeOf(failure);
    // QIWI being unavailable is already reported by the guard (circuit transitions, metrics); a refusal
    // or a malformed answer concerns this one bill and someone should look at it.
    (outcome == PollOutcome.UNAVAILABLE ? LOG.atInfo() : LOG.atWarn())
        .addKeyValue("kind", kind.name()).addKeyValue("outcome", outcome.metricName())
        .log("status check of " + kind.describe(claim) + " failed: " + failure.getMessage()
            + "; next check backed off");
    return kind.finish(pool, claim, kind.nextCheck(claim, clock.instant()), false).map(outcome);
  }

  /** A final status, the next check and the lease released commit together; true when the status changed. */
  private Future<Boolean> record(C claim, A answer) {
    Instant now = clock.instant();
    Instant next = kind.nextCheck(claim, now);
    if (!kind.isFinal(answer)) {
      kind.stillOpen(claim, now);
      return kind.finish(pool, claim, next, true).map(false);
    }
    return Database.transaction(pool, tx -> kind.applyFinal(tx, claim, answer)
        .compose(changed -> kind.finish(tx, claim, next, true).map(changed)));
  }

  /** The circuit, rate limiter or bulkhead refused: QIWI never saw the call and need not see the next one yet. */
  private static boolean nothingWasSent(QiwiUnavailable.Reason reason) {
    return reason == QiwiUnavailable.Reason.CIRCUIT_OPEN
        || reason == QiwiUnavailable.Reason.RATE_LIMITED
        || reason == QiwiUnavailable.Reason.BULKHEAD_FULL;
  }

  private static PollOutcome outcomeOf(Throwable failure) {
    if (failure instanceof QiwiException.Rejection) {
      return PollOutcome.REJECTED;
    }
    return failure instanceof QiwiUnavailable ? PollOutcome.UNAVAILABLE : PollOutcome.FAILED;
  }

  private void pause(QiwiUnavailable refusal) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(refusal.retryAfterSeconds());
    if (until - pausedUntilNanos > 0) {
      pausedUntilNanos = until;
      LOG.atInfo().addKeyValue("kind", kind.name()).addKeyValue("reason", refusal.reason().metricName())
          .addKeyValue("pauseSeconds", refusal.retryAfterSeconds())
          .log("QIWI refused a status check before sending it; polling pauses");
    }
  }

  private boolean paused() {
    return System.nanoTime() - pausedUntilNanos < 0;
  }

  /** How one status check ended: the {@code outcome} tag of {@code qiwi.poller.polls}. */
  enum PollOutcome {
    /** QIWI reported a final status and the arbiter recorded it (with its event). */
    CHANGED("changed"),
    /** QIWI answered, nothing changed: still waiting/processing, or already final here. */
    UNCHANGED("unchanged"),
    /** QIWI refused the check with a final result code (210: it does not know the bill). */
    REJECTED("rejected"),
    /** QIWI gave no usable answer after every attempt the resilience guard allows. */
    UNAVAILABLE("unavailable"),
    /** Anything else: a malformed answer, or the database failing to record the check. */
    FAILED("failed"),
    /** Not asked: the circuit or the account's limits refused the call; the claim was given back. */
    DEFERRED("deferred");

    private final String metricName;

    PollOutcome(String metricName) {
      this.metricName = metricName;
    }

    String metricName() {
      return metricName;
    }
  }

  /**
   * The poller's meters: {@code qiwi.poller.polls} (checks by kind and outcome) and
   * {@code qiwi.poller.lag} (seconds since the oldest due check was due, by kind, refreshed every
   * round). Every series is registered up front so that a scrape shows zeros rather than nothing.
   */
  static final class PollerMetrics {

    static final String POLLS = "qiwi.poller.polls";
    static final String LAG = "qiwi.poller.lag";

    private final Map<String, Map<PollOutcome, Counter>> polls = new HashMap<>();
    private final Map<String, AtomicLong> lagMillis = new HashMap<>();

    PollerMetrics(MeterRegistry registry, List<String> kinds) {
      for (String kind : kinds) {
        Map<PollOutcome, Counter> byOutcome = new EnumMap<>(PollOutcome.class);
        for (PollOutcome outcome : PollOutcome.values()) {
          byOutcome.put(outcome, Counter.builder(POLLS)
              .description("QIWI status checks made by the poller, by outcome")
              .tag("kind", kind)
              .tag("outcome", outcome.metricName())
              .register(registry));
        }
        polls.put(kind, byOutcome);
        AtomicLong lag = new AtomicLong();
        Gauge.builder(LAG, lag, millis -> millis.get() / 1000.0)
            .description("How long the oldest due status check has been waiting")
            .baseUnit("seconds")
            .tag("kind", kind)
            .strongReference(true)
            .register(registry);
        lagMillis.put(kind, lag);
      }
    }

    void polled(String kind, PollOutcome outcome) {
      polls.get(kind).get(outcome).increment();
    }

    void lag(String kind, Duration lag) {
      lagMillis.get(kind).set(lag.toMillis());
    }
  }
}
