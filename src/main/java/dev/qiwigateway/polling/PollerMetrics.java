package dev.qiwigateway.polling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The poller's meters: {@code qiwi.poller.polls} (checks by kind and outcome) and
 * {@code qiwi.poller.lag} (seconds since the oldest due check was due, by kind, refreshed every
 * round). Every series is registered up front so that a scrape shows zeros rather than nothing.
 */
final class PollerMetrics {

  static final String POLLS = "qiwi.poller.polls";
  static final String LAG = "qiwi.poller.lag";

  private final Map<String, Map<PollOutcome, Counter>> polls = new HashMap<>();
  private final Map<String, AtomicLong> lagMillis = new HashMap<>();

  PollerMetrics(MeterRegistry registry, List<String> kinds) {
    for (String kind : kinds) {
      Map<PollOutcome, Counter> byOutcome = new EnumMap<>(PollOutcome.class);
      for (PollOutcome outcome : PollOutcome.values()) {
        byOutcome.put(outcome, Counter.builder(POLLS)
            .description("QIWI status checks made by the poller, by outcome")
            .tag("kind", kind)
            .tag("outcome", outcome.metricName())
            .register(registry));
      }
      polls.put(kind, byOutcome);
      AtomicLong lag = new AtomicLong();
      Gauge.builder(LAG, lag, millis -> millis.get() / 1000.0)
          .description("How long the oldest due status check has been waiting")
          .baseUnit("seconds")
          .tag("kind", kind)
          .strongReference(true)
          .register(registry);
      lagMillis.put(kind, lag);
    }
  }

  void polled(String kind, PollOutcome outcome) {
    polls.get(kind).get(outcome).increment();
  }

  void lag(String kind, Duration lag) {
    lagMillis.get(kind).set(lag.toMillis());
  }
}
