package dev.qiwigateway.sandbox.protocol;

/**
 * The two generations of QIWI's bill API. The sandbox serves both at once; the dialect chosen in its
 * settings only decides how the notifications it sends look and are authenticated.
 */
public enum Dialect {
  REST_V3("rest-v3"),
  PULL_V2("pull-v2");

  private final String configName;

  Dialect(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** @throws IllegalArgumentException for anything but {@code rest-v3} or {@code pull-v2} */
  public static Dialect fromConfigName(String name) {
    for (Dialect dialect : values()) {
      if (dialect.configName.equals(name)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("expected rest-v3 or pull-v2, got '" + name + "'");
  }

  @Override
  public String toString() {
    return configName;
  }
}
