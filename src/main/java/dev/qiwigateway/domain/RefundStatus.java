package dev.qiwigateway.domain;

import java.util.Arrays;
import java.util.Optional;

/** A refund's status as QIWI reports it; {@code processing} is the only one that may still change. */
public enum RefundStatus {
  PROCESSING("processing"),
  SUCCESS("success"),
  FAIL("fail");

  private final String wireName;

  RefundStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public boolean isFinal() {
    return this != PROCESSING;
  }

  public static Optional<RefundStatus> fromWire(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
