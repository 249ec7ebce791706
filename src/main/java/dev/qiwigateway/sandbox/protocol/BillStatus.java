package dev.qiwigateway.sandbox.protocol;

import java.util.Locale;

/** A bill waits until it is paid, rejected, left unpaid or expires; those four never change again. */
public enum BillStatus {
  WAITING,
  PAID,
  REJECTED,
  UNPAID,
  EXPIRED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this != WAITING;
  }
}
