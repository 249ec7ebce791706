package dev.qiwigateway.domain;

import java.util.Arrays;
import java.util.Optional;

/** A bill's status as QIWI reports it; every status but {@code waiting} is final. */
public enum BillStatus {
  WAITING("waiting"),
  PAID("paid"),
  REJECTED("rejected"),
  UNPAID("unpaid"),
  EXPIRED("expired");

  private final String wireName;

  BillStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public boolean isFinal() {
    return this != WAITING;
  }

  public static Optional<BillStatus> fromWire(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
