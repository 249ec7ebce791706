package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.qiwi.QiwiOperation;
import java.util.Objects;
import java.util.Optional;

/**
 * QIWI could not be asked, or did not give a usable answer after every attempt the guard allows: the
 * outcome of the operation is unknown (docs/api.md#idempotency, 503 {@code provider_unavailable}). Repeating
 * the same operation with the same ids later is safe. Like {@link QiwiException} it carries no stack
 * trace and no secret: its message names the operation, the reason and the last attempt's failure.
 */
public final class QiwiUnavailable extends RuntimeException {

  /** Why no usable answer came; {@link #metricName()} is the {@code reason} tag of {@code qiwi.unavailable}. */
  public enum Reason {
    CIRCUIT_OPEN("circuit_open", "circuit open", 1),
    RATE_LIMITED("rate_limited", "rate limit reached", 1),
    BULKHEAD_FULL("bulkhead_full", "too many calls in flight", 1),
    RETRIES_EXHAUSTED("retries_exhausted", "all attempts failed", 2),
    RETRY_BUDGET_EXHAUSTED("retry_budget_exhausted", "retry budget exhausted", 2);

    private final String metricName;
    private final String description;
    private final int retryAfterSeconds;

    Reason(String metricName, String description, int retryAfterSeconds) {
      this.metricName = metricName;
      this.description = description;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public String metricName() {
      return metricName;
    }

    /** The wait to suggest when nothing better is known (an open circuit knows its remaining wait). */
    int retryAfterSeconds() {
      return retryAfterSeconds;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private final QiwiOperation operation;
  private final Reason reason;
  private final QiwiException lastFailure;
  private final int retryAfterSeconds;

  public QiwiUnavailable(QiwiOperation operation, Reason reason, QiwiException lastFailure, int retryAfterSeconds) {
    super(message(operation, reason, lastFailure, retryAfterSeconds), lastFailure, true, false);
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException("retry-after must be at least 1 second");
    }
    this.operation = operation;
    this.reason = reason;
    this.lastFailure = lastFailure;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  private static String message(QiwiOperation operation, Reason reason, QiwiException lastFailure, int retryAfter) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(reason, "reason");
    String message = operation.metricName() + ": QIWI unavailable, " + reason + ", retry after " + retryAfter + " s";
    return lastFailure == null ? message : message + "; last attempt: " + lastFailure.getMessage();
  }

  public QiwiOperation operation() {
    return operation;
  }

  public Reason reason() {
    return reason;
  }

  /** The failure of the last attempt made, if any attempt was made. */
  public Optional<QiwiException> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** Whole seconds (at least 1) before asking again is worthwhile: the {@code Retry-After} of the 503. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
