package dev.qiwigateway.sandbox.protocol;

import java.util.Locale;
import java.util.Optional;

/** A refund is processing until it succeeds or fails; both outcomes are final. */
public enum RefundStatus {
  PROCESSING,
  SUCCESS,
  FAIL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this != PROCESSING;
  }

  public static Optional<RefundStatus> fromWire(String text) {
    for (RefundStatus status : values()) {
      if (status.wireName().equals(text)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
