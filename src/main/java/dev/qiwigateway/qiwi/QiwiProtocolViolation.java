package dev.qiwigateway.qiwi;

/**
 * Something answered, but not a usable QIWI answer (not JSON, no result code, a bill without a known
 * status, another bill than the one asked for). The outcome is unknown; since every operation is
 * idempotent by its ids, asking again is safe.
 */
public final class QiwiProtocolViolation extends QiwiException {

  public QiwiProtocolViolation(QiwiOperation operation, String reason) {
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
