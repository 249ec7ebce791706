package dev.qiwigateway.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox's meters: {@code webhook.outbox.depth} (pending and dead events, refreshed by the
 * dispatcher on its own timer so that a scrape never queries the database),
 * {@code webhook.deliveries} by outcome (delivered, failed = will be retried, dead = given up), and
 * {@code webhook.delivery.latency}, the time from an event's commit to its delivery.
 */
final class WebhookMetrics {

  static final String DEPTH = "webhook.outbox.depth";
  static final String DELIVERIES = "webhook.deliveries";
  static final String LATENCY = "webhook.delivery.latency";

  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
      Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24)};

  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final Counter delivered;
  private final Counter failed;
  private final Counter givenUp;
  private final Timer latency;

  WebhookMetrics(MeterRegistry registry) {
    Gauge.builder(DEPTH, pending, AtomicLong::get).description("Events in the outbox by delivery state")
        .tag("state", "pending").register(registry);
    Gauge.builder(DEPTH, dead, AtomicLong::get).description("Events in the outbox by delivery state")
        .tag("state", "dead").register(registry);
    delivered = outcome(registry, "delivered");
    failed = outcome(registry, "failed");
    givenUp = outcome(registry, "dead");
    latency = Timer.builder(LATENCY).description("Time from an event's commit to its webhook delivery")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder(DELIVERIES).description("Webhook delivery attempts by outcome")
        .tag("outcome", outcome).register(registry);
  }

  void depth(WebhookOutbox.Depth depth) {
    pending.set(depth.pending());
    dead.set(depth.dead());
  }

  void delivered(Duration sinceCommit) {
    delivered.increment();
    latency.record(sinceCommit);
  }

  void failed() {
    failed.increment();
  }

  void dead() {
    givenUp.increment();
  }
}
