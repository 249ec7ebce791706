package dev.qiwigateway.notification;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Which "recorded but not applied" notifications deserve a WARN line. QIWI resends such a notification every
 * few seconds for a day (a bill issued straight at QIWI, unknown here, did that forever), so one bill and
 * verdict is told once per {@link #INTERVAL}; the next line says how many were left out meanwhile. The inbox
 * row and the verdict metric still count every arrival. Bounded: past {@link #MAX_BILLS} bills the one heard
 * from longest ago is forgotten, and may warn again.
 */
final class ResendWarnings {

  static final Duration INTERVAL = Duration.ofMinutes(10);
  static final int MAX_BILLS = 10_000;

  /** The WARN to write now, with how many of the same were left out before it; or none. */
  record Decision(boolean warn, long suppressed) {
  }

  private final LongSupplier nanoClock;
  private final Map<String, Window> windows = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      return size() > MAX_BILLS;
    }
  };

  private static final class Window {
    long startedNanos;
    long suppressed;
  }

  ResendWarnings() {
    this(System::nanoTime);
  }

  ResendWarnings(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Called on the event loop of the routes that own it: one instance per API verticle. */
  Decision decide(String billId, Verdict verdict) {
    long now = nanoClock.getAsLong();
    String key = verdict.dbName() + '\u0000' + billId;
    Window window = windows.get(key);
    if (window == null) {
      window = new Window();
      window.startedNanos = now;
      windows.put(key, window);
      return new Decision(true, 0);
    }
    if (now - window.startedNanos < INTERVAL.toNanos()) {
      window.suppressed++;
      return new Decision(false, window.suppressed);
    }
    long suppressed = window.suppressed;
    window.startedNanos = now;
    window.suppressed = 0;
    return new Decision(true, suppressed);
  }
}
