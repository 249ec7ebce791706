package dev.qiwigateway.polling;

import dev.qiwigateway.qiwi.QiwiRejection;
import dev.qiwigateway.resilience.QiwiUnavailable;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rounds of status checks of one kind: claim a batch, check it with bounded concurrency, record each
 * answer, give back what was not checked. Runs on the poller verticle's event loop only, so its state
 * needs no locking.
 *
 * <p>When QIWI cannot even be asked (the operation's circuit is open, the account's rate limit or
 * bulkhead is full) the round stops, its unchecked claims go back unchanged, and this kind pauses for
 * as long as the guard says (an open circuit knows its remaining wait): polling must not spin on a
 * refusing guard, nor push bills down their back-off for an outage that is not theirs.
 */
final class KindPoller<C, A> {

  private static final Logger LOG = LoggerFactory.getLogger(KindPoller.class);

  private final PolledKind<C, A> kind;
  private final int batch;
  private final int concurrency;
  private final Duration lease;
  private final PollerMetrics metrics;
  private long pausedUntilNanos = System.nanoTime();
  private boolean stopping;

  KindPoller(PolledKind<C, A> kind, int batch, int concurrency, Duration lease, PollerMetrics metrics) {
    this.kind = kind;
    this.batch = batch;
    this.concurrency = concurrency;
    this.lease = lease;
    this.metrics = metrics;
  }

  /** One round; never fails (a failure is logged), so the next round always comes. */
  Future<Void> round() {
    if (stopping || paused()) {
      return Future.succeededFuture();
    }
    return kind.claim(batch, lease)
        .compose(this::checkAll)
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("kind", kind.name())
              .log("poll round failed; next round as scheduled");
          return Future.succeededFuture();
        });
  }

  /** Stops taking claims; a round in progress finishes the checks in flight and gives the rest back. */
  void stop() {
    stopping = true;
  }

  Future<Void> refreshLag() {
    return kind.lag()
        .onSuccess(lag -> metrics.lag(kind.name(), lag))
        .<Void>mapEmpty()
        .recover(failure -> Future.succeededFuture());
  }

  private Future<Void> checkAll(List<C> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture();
    }
    // Past half its lease a claim is no longer safely ours to start: another replica may take it soon.
    long startBy = System.nanoTime() + lease.toNanos() / 2;
    Deque<C> queue = new ArrayDeque<>(claims);
    List<C> giveBack = new ArrayList<>();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(concurrency, claims.size()); i++) {
      lanes.add(lane(queue, giveBack, startBy));
    }
    return Future.join(lanes).transform(done -> {
      giveBack.addAll(queue);
      return kind.release(giveBack);
    });
  }

  private Future<Void> lane(Deque<C> queue, List<C> giveBack, long startBy) {
    if (stopping || paused() || System.nanoTime() - startBy > 0 || queue.isEmpty()) {
      return Future.succeededFuture();
    }
    C claim = queue.poll();
    return check(claim, giveBack).compose(checked -> lane(queue, giveBack, startBy));
  }

  /** One check; never fails: every ending is recorded, counted, or the claim is given back. */
  private Future<Void> check(C claim, List<C> giveBack) {
    Future<A> asked;
    try {
      asked = kind.ask(claim);
    } catch (RuntimeException invalid) {
      asked = Future.failedFuture(invalid);
    }
    return asked.transform(answer -> recordAnswer(claim, answer, giveBack))
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("kind", kind.name())
              .log("could not record the status check of " + kind.describe(claim) + "; its lease will lapse");
          return Future.succeededFuture(PollOutcome.FAILED);
        })
        .map(outcome -> {
          metrics.polled(kind.name(), outcome);
          return null;
        });
  }

  private Future<PollOutcome> recordAnswer(C claim, AsyncResult<A> answer, List<C> giveBack) {
    if (answer.succeeded()) {
      return kind.record(claim, answer.result())
          .map(changed -> changed ? PollOutcome.CHANGED : PollOutcome.UNCHANGED);
    }
    Throwable failure = answer.cause();
    if (failure instanceof QiwiUnavailable unavailable && nothingWasSent(unavailable.reason())) {
      pause(unavailable);
      giveBack.add(claim);
      return Future.succeededFuture(PollOutcome.DEFERRED);
    }
    PollOutcome outcome = outcomeOf(failure);
    // QIWI being unavailable is already reported by the guard (circuit transitions, metrics); a refusal
    // or a malformed answer concerns this one bill and someone should look at it.
    (outcome == PollOutcome.UNAVAILABLE ? LOG.atInfo() : LOG.atWarn())
        .addKeyValue("kind", kind.name()).addKeyValue("outcome", outcome.metricName())
        .log("status check of " + kind.describe(claim) + " failed: " + failure.getMessage()
            + "; next check backed off");
    return kind.backOff(claim).map(outcome);
  }

  /** The circuit, rate limiter or bulkhead refused: QIWI never saw the call and need not see the next one yet. */
  private static boolean nothingWasSent(QiwiUnavailable.Reason reason) {
    return reason == QiwiUnavailable.Reason.CIRCUIT_OPEN
        || reason == QiwiUnavailable.Reason.RATE_LIMITED
        || reason == QiwiUnavailable.Reason.BULKHEAD_FULL;
  }

  private static PollOutcome outcomeOf(Throwable failure) {
    if (failure instanceof QiwiRejection) {
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
}
