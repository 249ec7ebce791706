package dev.qiwigateway.notification;

import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The notification flow's telemetry: its meters (docs/api.md#management-port), registered eagerly so that a
 * dashboard shows zeros, not gaps (every API verticle instance gets the same meters back from the registry),
 * and the bounded {@link ResendWarnings} for what QIWI keeps resending.
 */
final class NotificationMetrics {

  static final String BATCH_SIZE = "qiwi.notifications.batch.size";

  private final Counter received;
  private final Counter verified;
  private final Map<NotificationAnswer, Counter> refused = new EnumMap<>(NotificationAnswer.class);
  private final Map<Verdict, Counter> verdicts = new EnumMap<>(Verdict.class);
  private final Counter fallbacks;
  private final Counter shed;
  private final DistributionSummary batchSize;

  NotificationMetrics(MeterRegistry registry) {
    received = Counter.builder("qiwi.notifications.received")
        .description("Notifications that reached the endpoint").register(registry);
    verified = Counter.builder("qiwi.notifications.verified")
        .description("Notifications whose source and credentials were QIWI's").register(registry);
    for (NotificationAnswer answer : NotificationAnswer.values()) {
      if (answer != NotificationAnswer.ACCEPTED) {
        refused.put(answer, Counter.builder("qiwi.notifications.refused").tag("reason", answer.reason())
            .description("Notifications answered with anything but success, by reason").register(registry));
      }
    }
    verdicts.put(Verdict.APPLIED, counter(registry, "qiwi.notifications.applied", "Notifications that moved a bill"));
    verdicts.put(Verdict.DUPLICATE, counter(registry, "qiwi.notifications.duplicated",
        "Notifications of a status the bill already had"));
    verdicts.put(Verdict.STALE, counter(registry, "qiwi.notifications.stale",
        "Notifications that came after the bill was final with another status"));
    verdicts.put(Verdict.MISMATCH, counter(registry, "qiwi.notifications.mismatch",
        "Notifications whose amount, currency or shop disagreed with the bill"));
    verdicts.put(Verdict.UNKNOWN_BILL, counter(registry, "qiwi.notifications.unknown.bill",
        "Notifications of a bill the gateway does not know (yet)"));
    fallbacks = counter(registry, "qiwi.notifications.batch.fallbacks",
        "Ingest batches that failed and were retried row by row");
    shed = counter(registry, "qiwi.notifications.shed",
        "Notifications refused with 13 because too many waited for a transaction (QIWI resends them)");
    batchSize = DistributionSummary.builder(BATCH_SIZE)
        .description("Notifications written per ingest transaction")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  void received() {
    received.increment();
  }

  void verified() {
    verified.increment();
  }

  void refused(NotificationAnswer answer) {
    Counter counter = refused.get(answer);
    if (counter != null) {
      counter.increment();
    }
  }

  void verdict(Verdict verdict) {
    verdicts.get(verdict).increment();
  }

  void batch(int size) {
    batchSize.record(size);
  }

  void fallback() {
    fallbacks.increment();
  }

  void shed() {
    shed.increment();
  }

  /**
   * Which "recorded but not applied" notifications deserve a WARN line. QIWI resends such a notification every
   * few seconds for a day (a bill issued straight at QIWI, unknown here, did that forever), so one bill and
   * verdict is told once per {@link #INTERVAL}; the next line says how many were left out meanwhile. The inbox
   * row and the verdict metric still count every arrival. Bounded: past {@link #MAX_BILLS} bills the one heard
   * from longest ago is forgotten, and may warn again.
   */
  static final class ResendWarnings {

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
}
