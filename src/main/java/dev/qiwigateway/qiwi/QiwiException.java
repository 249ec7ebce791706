package dev.qiwigateway.qiwi;

import java.util.Objects;

/**
 * Why a QIWI call did not produce an answer the gateway can use. Messages name the operation and the
 * reason, never a credential or a raw answer body. Stack traces are not captured: these failures are
 * expected events on event-loop threads, where the stack says nothing.
 */
public abstract sealed class QiwiException extends RuntimeException
    permits QiwiException.Rejection, QiwiException.RetryableResult, QiwiException.TransportFailure,
    QiwiException.ProtocolViolation {

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

  /**
   * Whether the integration itself is broken (credentials, contract, blocking) and an operator must
   * act, whether or not the call may be repeated.
   */
  public boolean needsOperator() {
    return false;
  }

  /** The {@code outcome} tag of the {@code qiwi.client.calls} timer. */
  abstract String outcome();

  /** QIWI processed the call and refused it with a final result code; repeating it will not help. */
  public static final class Rejection extends QiwiException {

    private final int resultCode;

    public Rejection(QiwiOperation operation, int resultCode) {
      super(operation, "QIWI result code " + resultCode + " (" + QiwiResultCode.describe(resultCode) + ")", null);
      this.resultCode = resultCode;
    }

    public int resultCode() {
      return resultCode;
    }

    /** A code missing from the table also needs an operator: the table no longer describes QIWI. */
    @Override
    public boolean needsOperator() {
      QiwiResultCode known = QiwiResultCode.of(resultCode);
      return known == null || known.needsOperator();
    }

    @Override
    public boolean retryable() {
      return false;
    }

    @Override
    String outcome() {
      return "rejected";
    }
  }

  /** QIWI answered with a result code its documents call non-fatal (13, 152, 300, 316, 319, 1003): try again later. */
  public static final class RetryableResult extends QiwiException {

    private final int resultCode;

    public RetryableResult(QiwiOperation operation, int resultCode) {
      super(operation, "QIWI result code " + resultCode + " (" + QiwiResultCode.describe(resultCode) + "), retryable",
          null);
      this.resultCode = resultCode;
    }

    public int resultCode() {
      return resultCode;
    }

    /** 152, 316 and 319 are retried as QIWI says, and still alert: they will not go away on their own. */
    @Override
    public boolean needsOperator() {
      QiwiResultCode known = QiwiResultCode.of(resultCode);
      return known != null && known.needsOperator();
    }

    @Override
    public boolean retryable() {
      return true;
    }

    @Override
    String outcome() {
      return "retryable_code";
    }
  }

  /** No QIWI answer: HTTP 5xx, a refused, reset or closed connection, or a timeout. The outcome is unknown. */
  public static final class TransportFailure extends QiwiException {

    public TransportFailure(QiwiOperation operation, String reason, Throwable cause) {
      super(operation, reason, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }

    @Override
    String outcome() {
      return "transport";
    }
  }

  /**
   * Something answered, but not a usable QIWI answer (not JSON, no result code, a bill without a known
   * status, another bill than the one asked for). Since every operation is idempotent by its ids,
   * asking again within the call is safe; when the last attempt still gets no QIWI answer, this is the
   * failure of that request, not a sign that QIWI is down (docs/qiwi.md#responses-and-result-codes).
   */
  public static final class ProtocolViolation extends QiwiException {

    public ProtocolViolation(QiwiOperation operation, String reason) {
      super(operation, reason, null);
    }

    @Override
    public boolean retryable() {
      return true;
    }

    @Override
    String outcome() {
      return "protocol";
    }
  }
}
