package dev.qiwigateway.qiwi;

import java.util.Arrays;

/** How pull-v2 notifications are authenticated (QIWI_NOTIFY_AUTH); rest-v3 always uses the signature. */
public enum NotifyAuthMode {
  SIGNATURE("signature"),
  BASIC("basic");

  private final String configName;

  NotifyAuthMode(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static NotifyAuthMode fromConfigName(String name) {
    return Arrays.stream(values())
        .filter(m -> m.configName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("expected signature or basic, got '" + name + "'"));
  }
}
