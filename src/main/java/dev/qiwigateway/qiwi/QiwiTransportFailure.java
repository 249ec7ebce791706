package dev.qiwigateway.qiwi;

/** No QIWI answer: HTTP 5xx, a refused, reset or closed connection, or a timeout. The outcome is unknown. */
public final class QiwiTransportFailure extends QiwiException {

  public QiwiTransportFailure(QiwiOperation operation, String reason, Throwable cause) {
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
