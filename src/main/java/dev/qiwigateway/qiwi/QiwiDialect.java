package dev.qiwigateway.qiwi;

import java.util.Arrays;

/** The two generations of the QIWI bill API that the gateway speaks (docs/qiwi.md#dialects). */
public enum QiwiDialect {
  REST_V3("rest-v3"),
  PULL_V2("pull-v2");

  private final String configName;

  QiwiDialect(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static QiwiDialect fromConfigName(String name) {
    return Arrays.stream(values())
        .filter(d -> d.configName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("expected rest-v3 or pull-v2, got '" + name + "'"));
  }

  /** Path of a bill resource; ids must already be valid (they contain nothing that needs escaping). */
  public String billPath(String prvId, String billId) {
    return switch (this) {
      case REST_V3 -> "/api/v3/prv/bills/" + billId;
      case PULL_V2 -> "/api/v2/prv/" + prvId + "/bills/" + billId;
    };
  }

  public String refundPath(String prvId, String billId, String refundId) {
    return billPath(prvId, billId) + "/refund/" + refundId;
  }

  @Override
  public String toString() {
    return configName;
  }
}
