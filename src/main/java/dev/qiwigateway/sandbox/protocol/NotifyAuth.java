package dev.qiwigateway.sandbox.protocol;

/** How a pull-v2 notification proves it comes from QIWI; rest-v3 notifications are always signed. */
public enum NotifyAuth {
  SIGNATURE("signature"),
  BASIC("basic");

  private final String configName;

  NotifyAuth(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** @throws IllegalArgumentException for anything but {@code signature} or {@code basic} */
  public static NotifyAuth fromConfigName(String name) {
    for (NotifyAuth auth : values()) {
      if (auth.configName.equals(name)) {
        return auth;
      }
    }
    throw new IllegalArgumentException("expected signature or basic, got '" + name + "'");
  }
}
