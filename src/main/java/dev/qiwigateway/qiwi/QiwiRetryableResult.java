package dev.qiwigateway.qiwi;

/** QIWI answered with a result code its documents call non-fatal (13, 300, 1003): try again later. */
public final class QiwiRetryableResult extends QiwiException {

  private final int resultCode;

  public QiwiRetryableResult(QiwiOperation operation, int resultCode) {
    super(operation, "QIWI result code " + resultCode + " (" + QiwiResultCode.describe(resultCode) + "), retryable",
        null);
    this.resultCode = resultCode;
  }

  public int resultCode() {
    return resultCode;
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
