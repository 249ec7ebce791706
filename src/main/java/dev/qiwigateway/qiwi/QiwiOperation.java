package dev.qiwigateway.qiwi;

/** The five calls the gateway makes to QIWI (docs/qiwi.md#operations); each is idempotent by its ids. */
public enum QiwiOperation {
  ISSUE_BILL("issue_bill"),
  BILL_STATUS("bill_status"),
  CANCEL_BILL("cancel_bill"),
  REFUND("refund"),
  REFUND_STATUS("refund_status");

  private final String metricName;

  QiwiOperation(String metricName) {
    this.metricName = metricName;
  }

  /** The name used in metric tags and log lines. */
  public String metricName() {
    return metricName;
  }

  @Override
  public String toString() {
    return metricName;
  }
}
