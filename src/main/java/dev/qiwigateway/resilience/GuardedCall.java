package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.resilience.QiwiUnavailable.Reason;
import io.github.resilience4j.retry.Retry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One guarded QIWI call: one permission of the operation's circuit for the whole call, and attempts,
 * each let through by the account's bulkhead and rate limiter, with the retries between them. The
 * circuit hears of the call once, by its final outcome, so a failure a retry absorbed never counts.
 * Every step runs on the caller's context (timers set there fire there), so the call's own state
 * needs no locking although the guard is shared across event loops.
 */
final class GuardedCall<T> {

  private final ResilientCallGuard guard;
  private final QiwiOperation operation;
  private final OperationCircuit circuit;
  private final Supplier<Future<T>> attempt;
  private final Retry.AsyncContext<T> retries;
  private final Context caller;
  private final Promise<T> result = Promise.promise();
  private int attemptsMade;
  private long lastAttemptStartedAt;
  private AsyncResult<T> lastOutcome;

  GuardedCall(ResilientCallGuard guard, QiwiOperation operation, Supplier<Future<T>> attempt) {
    this.guard = guard;
    this.operation = operation;
    this.circuit = guard.circuit(operation);
    this.attempt = attempt;
    this.retries = guard.retry().asyncContext();
    this.caller = guard.vertx().getOrCreateContext();
  }

  Future<T> start() {
    onCaller(this::admitCall);
    return result.future();
  }

  /** Circuit first, so that an open circuit is what the caller hears about, not the limits behind it. */
  private void admitCall() {
    if (circuit.tryAcquirePermission()) {
      admitAttempt();
    } else {
      result.fail(unavailable(Reason.CIRCUIT_OPEN));
    }
  }

  private void admitAttempt() {
    if (!guard.bulkhead().tryAcquirePermission()) {
      endWithout(Reason.BULKHEAD_FULL);
      return;
    }
    long waitNanos = guard.rateLimiter().reservePermission();
    if (waitNanos < 0) {
      guard.bulkhead().onComplete();
      endWithout(Reason.RATE_LIMITED);
    } else if (waitNanos == 0) {
      sendAttempt();
    } else {
      // The permission is already reserved for then; one millisecond more rounds the wait up.
      vertx().setTimer(TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1, id -> runGuarded(this::sendAttempt));
    }
  }

  private void sendAttempt() {
    if (attemptsMade++ == 0) {
      guard.retryBudget().recordFirstAttempt();
    } else {
      guard.metrics().retried(operation);
    }
    long startedAt = circuit.startAttempt();
    Future<T> sent;
    try {
      sent = Objects.requireNonNull(attempt.get(), "the attempt returned no future");
    } catch (RuntimeException thrown) {
      sent = Future.failedFuture(thrown);
    }
    sent.onComplete(outcome -> onCaller(() -> attemptFinished(startedAt, outcome)));
  }

  private void attemptFinished(long startedAt, AsyncResult<T> outcome) {
    guard.bulkhead().onComplete();
    lastAttemptStartedAt = startedAt;
    lastOutcome = outcome;
    if (outcome.succeeded()) {
      retries.onComplete();
      end(outcome.result(), null);
      return;
    }
    long retryInMs = retries.onError(outcome.cause());
    if (!OperationCircuit.worthRetrying(outcome.cause())) {
      // A final result code or a bad argument: repeating cannot help, the caller gets it unchanged.
      end(null, outcome.cause());
    } else if (retryInMs < 0) {
      endUnanswered(Reason.RETRIES_EXHAUSTED);
    } else if (!guard.retryBudget().tryRetry()) {
      endUnanswered(Reason.RETRY_BUDGET_EXHAUSTED);
    } else {
      vertx().setTimer(Math.max(1, retryInMs), id -> runGuarded(this::retry));
    }
  }

  /** Other calls may have opened the circuit during the back-off: then this call stops asking too. */
  private void retry() {
    if (circuit.isOpen()) {
      endUnanswered(Reason.CIRCUIT_OPEN);
    } else {
      admitAttempt();
    }
  }

  /**
   * The last attempt still failed in a way repeating might fix. An answer that is not QIWI's format
   * is the failure of this request, final as it is; anything else leaves the outcome unknown.
   */
  private void endUnanswered(Reason reason) {
    Throwable failure = lastOutcome.cause();
    end(null, failure instanceof QiwiException.ProtocolViolation ? failure : unavailable(reason));
  }

  /** The account's own limits refused an attempt: the call ends with what its attempts so far tell. */
  private void endWithout(Reason reason) {
    if (lastOutcome == null) {
      circuit.releasePermission();
      result.fail(unavailable(reason));
    } else {
      endUnanswered(reason);
    }
  }

  private void end(T answer, Throwable failure) {
    circuit.recordCall(lastAttemptStartedAt, lastOutcome);
    if (failure == null) {
      result.complete(answer);
    } else {
      result.fail(failure);
    }
  }

  private QiwiUnavailable unavailable(Reason reason) {
    // An open circuit knows how long it will refuse; that beats the reason's generic hint.
    int retryAfter = Math.max(reason.retryAfterSeconds(), circuit.secondsUntilTrial());
    guard.metrics().unavailable(operation, reason);
    QiwiException lastFailure = lastOutcome != null && lastOutcome.cause() instanceof QiwiException failed
        ? failed : null;
    return new QiwiUnavailable(operation, reason, lastFailure, retryAfter);
  }

  /**
   * Runs a step on the caller's context: a timer set from there fires there, and the caller's
   * continuations run where it expects them. A step that throws (a bug) must still end the call.
   */
  private void onCaller(Runnable step) {
    if (Vertx.currentContext() == caller) {
      runGuarded(step);
    } else {
      caller.runOnContext(v -> runGuarded(step));
    }
  }

  private void runGuarded(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException bug) {
      if (result.tryFail(bug)) {
        // says nothing about QIWI, but a half-open circuit must get its trial permission back
        circuit.releasePermission();
      }
    }
  }

  private Vertx vertx() {
    return guard.vertx();
  }
}
