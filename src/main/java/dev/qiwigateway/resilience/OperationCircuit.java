package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.qiwi.QiwiOperation;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.vertx.core.AsyncResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit of one QIWI operation: the Resilience4j breaker driven through its non-blocking
 * permission API, plus what the breaker does not tell, namely how long an open circuit still refuses
 * calls (the {@code Retry-After} of a 503). State changes are logged here, once each.
 */
final class OperationCircuit {

  private static final Logger LOG = LoggerFactory.getLogger(OperationCircuit.class);

  private final QiwiOperation operation;
  private final CircuitBreaker breaker;
  private final long openWaitNanos;
  private volatile long reopensAtNanos;

  OperationCircuit(QiwiOperation operation, CircuitBreaker breaker, Duration openWait) {
    this.operation = operation;
    this.breaker = breaker;
    this.openWaitNanos = openWait.toNanos();
    breaker.getEventPublisher().onStateTransition(this::stateChanged);
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }

  /** Also moves an open circuit whose wait is over to half-open: nothing else has to run a timer. */
  boolean tryAcquirePermission() {
    return breaker.tryAcquirePermission();
  }

  /** Gives back a permission that was not used for an attempt. */
  void releasePermission() {
    breaker.releasePermission();
  }

  long startAttempt() {
    return breaker.getCurrentTimestamp();
  }

  /**
   * Only failures that say QIWI is unwell count against it; a final result code is QIWI working as
   * designed, and anything else (a bad argument, a bug) says nothing about QIWI at all.
   */
  void recordAttempt(long startedAt, AsyncResult<?> outcome) {
    long duration = breaker.getCurrentTimestamp() - startedAt;
    TimeUnit unit = breaker.getTimestampUnit();
    if (outcome.succeeded() || outcome.cause() instanceof QiwiException.Rejection) {
      breaker.onSuccess(duration, unit);
    } else if (countsAgainstQiwi(outcome.cause())) {
      breaker.onError(duration, unit, outcome.cause());
    } else {
      breaker.releasePermission();
    }
  }

  static boolean countsAgainstQiwi(Throwable failure) {
    return failure instanceof QiwiException qiwiFailure && qiwiFailure.retryable();
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
        LOG.warn("QIWI circuit of {} opened ({}): calls fail fast for {} ms; failure rate {}%, slow-call rate {}%",
            operation, transition, TimeUnit.NANOSECONDS.toMillis(openWaitNanos),
            breaker.getMetrics().getFailureRate(), breaker.getMetrics().getSlowCallRate());
      }
      case CLOSED -> LOG.info("QIWI circuit of {} closed ({}): calls flow again", operation, transition);
      default -> LOG.info("QIWI circuit of {} is now {} ({})", operation, transition.getToState(), transition);
    }
  }
}
