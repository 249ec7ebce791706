package dev.qiwigateway.notification;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Notification meters (docs/api.md#management-port). Registered eagerly so that a dashboard shows zeros, not
 * gaps; every API verticle instance gets the same meters back from the registry.
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
}
