package dev.qiwigateway.ops;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * How many WARN lines one kind of failure may write per window. A receiver that is down fails every
 * event on every attempt, and anyone who can reach the notification endpoint can send refusals by the
 * thousand; the log should say so, not repeat it thousands of times. Lines over the
 * budget are counted, and the next line that may be written reports how many were held back.
 */
public final class WarnBudget {

  private final long windowMillis;
  private final int linesPerWindow;
  private final LongSupplier clockMillis;
  private long windowStart = Long.MIN_VALUE;
  private int written;
  private long heldBack;

  public WarnBudget(Duration window, int linesPerWindow, LongSupplier clockMillis) {
    this.windowMillis = window.toMillis();
    this.linesPerWindow = linesPerWindow;
    this.clockMillis = clockMillis;
  }

  /** Empty when this line must be held back; else how many were held back since the last one written. */
  public synchronized OptionalLong take() {
    long now = clockMillis.getAsLong();
    if (windowStart == Long.MIN_VALUE || now - windowStart >= windowMillis) {
      windowStart = now;
      written = 0;
    }
    if (written >= linesPerWindow) {
      heldBack++;
      return OptionalLong.empty();
    }
    written++;
    long reported = heldBack;
    heldBack = 0;
    return OptionalLong.of(reported);
  }
}
