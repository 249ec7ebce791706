package dev.qiwigateway.qiwi;

import java.util.Objects;

/**
 * Why a QIWI call did not produce an answer the gateway can use. Messages name the operation and the
 * reason, never a credential or a raw answer body. Stack traces are not captured: these failures are
 * expected events on event-loop threads, where the stack says nothing.
 */
public abstract sealed class QiwiException extends RuntimeException
    permits QiwiRejection, QiwiRetryableResult, QiwiTransportFailure, QiwiProtocolViolation {

  private final QiwiOperation operation;

  protected QiwiException(QiwiOperation operation, String reason, Throwable cause) {
    super(Objects.requireNonNull(operation, "operation").metricName() + ": " + reason, cause, true, false);
    this.operation = operation;
  }

  public QiwiOperation operation() {
    return operation;
  }

  /** Whether repeating the same call (same ids, same parameters) may succeed. */
  public abstract boolean retryable();

  /** The {@code outcome} tag of the {@code qiwi.client.calls} timer. */
  abstract String outcome();
}
