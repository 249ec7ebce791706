package dev.qiwigateway.qiwi;

/** QIWI processed the call and refused it with a final result code; repeating it will not help. */
public final class QiwiRejection extends QiwiException {

  private final int resultCode;

  public QiwiRejection(QiwiOperation operation, int resultCode) {
    super(operation, "QIWI result code " + resultCode + " (" + QiwiResultCode.describe(resultCode) + ")", null);
    this.resultCode = resultCode;
  }

  public int resultCode() {
    return resultCode;
  }

  /**
   * Whether the integration itself is broken (credentials, contract, blocking) and an operator must
   * act. A code missing from the table also needs one: the table no longer describes QIWI.
   */
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
