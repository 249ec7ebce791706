package dev.qiwigateway.sandbox.protocol;

/**
 * The three generations of QIWI's bill API: the 2017 REST API, the Pull REST API 2.1 and the JSON
 * {@code partner/bill/v1} API of QIWI's SDKs. The sandbox serves all of them at once; the dialect chosen in
 * its settings only decides how the notifications it sends look and are authenticated.
 */
public enum Dialect {
  REST_V3("rest-v3"),
  PULL_V2("pull-v2"),
  V1("v1");

  private final String configName;

  Dialect(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** @throws IllegalArgumentException for anything but {@code rest-v3}, {@code pull-v2} or {@code v1} */
  public static Dialect fromConfigName(String name) {
    for (Dialect dialect : values()) {
      if (dialect.configName.equals(name)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("expected rest-v3, pull-v2 or v1, got '" + name + "'");
  }

  @Override
  public String toString() {
    return configName;
  }
}
