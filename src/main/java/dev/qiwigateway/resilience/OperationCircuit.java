package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.qiwi.QiwiOperation;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.vertx.core.AsyncResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit of one QIWI operation: the Resilience4j breaker driven through its non-blocking
 * permission API, plus what the breaker does not tell, namely how long an open circuit still refuses
 * calls (the {@code Retry-After} of a 503), and what it cannot count, namely calls that failed in a
 * row. A whole call (its retries included) holds one permission and is recorded once, by its final
 * outcome: failures that a retry absorbed are QIWI working. State changes are logged here, once each.
 */
final class OperationCircuit {

  private static final Logger LOG = LoggerFactory.getLogger(OperationCircuit.class);

  private final QiwiOperation operation;
  private final CircuitBreaker breaker;
  private final long openWaitNanos;
  private final int consecutiveFailuresToOpen;
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private volatile long reopensAtNanos;

  OperationCircuit(QiwiOperation operation, CircuitBreaker breaker, Duration openWait, int consecutiveFailuresToOpen) {
    this.operation = operation;
    this.breaker = breaker;
    this.openWaitNanos = openWait.toNanos();
    this.consecutiveFailuresToOpen = consecutiveFailuresToOpen;
    breaker.getEventPublisher().onStateTransition(this::stateChanged);
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }

  /** Also moves an open circuit whose wait is over to half-open: nothing else has to run a timer. */
  boolean tryAcquirePermission() {
    return breaker.tryAcquirePermission();
  }

  /** Gives back the permission of a call that ended without reaching QIWI (refused by the account's limits). */
  void releasePermission() {
    breaker.releasePermission();
  }

  /** Whether a call in its retries should stop: other calls opened the circuit meanwhile. */
  boolean isOpen() {
    return breaker.getState() == CircuitBreaker.State.OPEN;
  }

  long startAttempt() {
    return breaker.getCurrentTimestamp();
  }

  /**
   * Records a finished call by its final outcome, timed by its last attempt (the one QIWI's health
   * decided; back-off waits are the gateway's own). Only failures that say QIWI is unwell count
   * against it; a final result code is QIWI working as designed, and anything else (an answer that is
   * not QIWI's format, a bad argument, a bug) says nothing about whether QIWI is up.
   */
  void recordCall(long lastAttemptStartedAt, AsyncResult<?> outcome) {
    long duration = breaker.getCurrentTimestamp() - lastAttemptStartedAt;
    TimeUnit unit = breaker.getTimestampUnit();
    if (outcome.succeeded() || outcome.cause() instanceof QiwiException.Rejection) {
      failuresInARow.set(0);
      breaker.onSuccess(duration, unit);
    } else if (countsAgainstQiwi(outcome.cause())) {
      breaker.onError(duration, unit, outcome.cause());
      openAfterFailuresInARow();
    } else {
      breaker.releasePermission();
    }
  }

  /** Failures that may pass when the same call is repeated: worth a retry within the call. */
  static boolean worthRetrying(Throwable failure) {
    return failure instanceof QiwiException qiwiFailure && qiwiFailure.retryable();
  }

  /**
   * Failures that say QIWI is down or overloaded. An answer that is not QIWI's format is retried but
   * is the failure of that request: a merchant's odd request must not close QIWI for every merchant.
   */
  static boolean countsAgainstQiwi(Throwable failure) {
    return worthRetrying(failure) && !(failure instanceof QiwiException.ProtocolViolation);
  }

  /**
   * The rate needs a minimum of calls in the window, which a quiet account never reaches; calls
   * failing in a row reveal its outage all the same. Only a closed circuit is opened this way: half-open
   * trials are judged by the breaker itself.
   */
  private void openAfterFailuresInARow() {
    if (failuresInARow.incrementAndGet() >= consecutiveFailuresToOpen
        && breaker.getState() == CircuitBreaker.State.CLOSED) {
      try {
        breaker.transitionToOpenState();
      } catch (IllegalStateTransitionException raced) {
        // another call opened it at the same moment: the circuit is where it should be
      }
    }
  }

  /** Whole seconds until an open circuit lets a trial call through; 0 when the circuit is closed. */
  int secondsUntilTrial() {
    CircuitBreaker.State state = breaker.getState();
    if (state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.HALF_OPEN) {
      return 0;
    }
    long remaining = reopensAtNanos - System.nanoTime();
    // Half-open with all trial slots taken, or the wait just ended: the answer comes within a second.
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(remaining + TimeUnit.SECONDS.toNanos(1) - 1));
  }

  private void stateChanged(CircuitBreakerOnStateTransitionEvent event) {
    CircuitBreaker.StateTransition transition = event.getStateTransition();
    switch (transition.getToState()) {
      case OPEN -> {
        reopensAtNanos = System.nanoTime() + openWaitNanos;
        LOG.warn("QIWI circuit of {} opened ({}): calls fail fast for {} ms; failure rate {}%, slow-call rate {}%,"
            + " {} failed calls in a row", operation, transition, TimeUnit.NANOSECONDS.toMillis(openWaitNanos),
            breaker.getMetrics().getFailureRate(), breaker.getMetrics().getSlowCallRate(), failuresInARow.getAndSet(0));
      }
      case CLOSED -> {
        failuresInARow.set(0);
        LOG.info("QIWI circuit of {} closed ({}): calls flow again", operation, transition);
      }
      default -> LOG.info("QIWI circuit of {} is now {} ({})", operation, transition.getToState(), transition);
    }
  }
}
