package dev.qiwigateway.config;

import java.util.List;

/** Start-up refused: one or more settings are missing or malformed. The message names every one. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
