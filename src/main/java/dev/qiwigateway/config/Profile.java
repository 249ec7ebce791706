package dev.qiwigateway.config;

/** dev: embedded PostgreSQL and the built-in QIWI sandbox; prod: everything configured, nothing assumed. */
public enum Profile {
  DEV,
  PROD;

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
