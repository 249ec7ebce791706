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
 * One guarded QIWI call: its attempts, each let through by the operation's circuit, the account's
 * bulkhead and rate limiter, and the retries between them. Every step runs on the caller's context
 * (timers set there fire there), so the call's own state needs no locking although the guard is
 * shared across event loops.
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
  private QiwiException lastFailure;

  GuardedCall(ResilientCallGuard guard, QiwiOperation operation, Supplier<Future<T>> attempt) {
    this.guard = guard;
    this.operation = operation;
    this.circuit = guard.circuit(operation);
    this.attempt = attempt;
    this.retries = guard.retry().asyncContext();
    this.caller = guard.vertx().getOrCreateContext();
  }

  Future<T> start() {
    onCaller(this::admitAttempt);
    return result.future();
  }

  /** Circuit first, so that an open circuit is what the caller hears about, not the limits behind it. */
  private void admitAttempt() {
    if (!circuit.tryAcquirePermission()) {
      refuse(Reason.CIRCUIT_OPEN);
      return;
    }
    if (!guard.bulkhead().tryAcquirePermission()) {
      circuit.releasePermission();
      refuse(Reason.BULKHEAD_FULL);
      return;
    }
    long waitNanos = guard.rateLimiter().reservePermission();
    if (waitNanos < 0) {
      circuit.releasePermission();
      guard.bulkhead().onComplete();
      refuse(Reason.RATE_LIMITED);
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
    circuit.recordAttempt(startedAt, outcome);
    guard.bulkhead().onComplete();
    if (outcome.succeeded()) {
      retries.onComplete();
      result.complete(outcome.result());
      return;
    }
    long retryInMs = retries.onError(outcome.cause());
    if (!OperationCircuit.countsAgainstQiwi(outcome.cause())) {
      // A final result code or a bad argument: repeating cannot help, the caller gets it unchanged.
      result.fail(outcome.cause());
      return;
    }
    lastFailure = (QiwiException) outcome.cause();
    if (retryInMs < 0) {
      refuse(Reason.RETRIES_EXHAUSTED);
    } else if (!guard.retryBudget().tryRetry()) {
      refuse(Reason.RETRY_BUDGET_EXHAUSTED);
    } else {
      vertx().setTimer(Math.max(1, retryInMs), id -> runGuarded(this::admitAttempt));
    }
  }

  private void refuse(Reason reason) {
    // An open circuit knows how long it will refuse; that beats the reason's generic hint.
    int retryAfter = Math.max(reason.retryAfterSeconds(), circuit.secondsUntilTrial());
    guard.metrics().unavailable(operation, reason);
    result.fail(new QiwiUnavailable(operation, reason, lastFailure, retryAfter));
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
      result.tryFail(bug);
    }
  }

  private Vertx vertx() {
    return guard.vertx();
  }
}
