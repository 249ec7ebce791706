package dev.qiwigateway.qiwi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;

/** The {@code qiwi.client.calls} timer: one sample per HTTP attempt, tagged by operation and outcome. */
final class QiwiCallMetrics {

  static final String TIMER = "qiwi.client.calls";

  private final MeterRegistry registry;

  QiwiCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  Timer.Sample start() {
    return Timer.start(registry);
  }

  void record(Timer.Sample sample, QiwiOperation operation, AsyncResult<?> result) {
    sample.stop(Timer.builder(TIMER)
        .description("HTTP attempts against the QIWI API")
        .tag("operation", operation.metricName())
        .tag("outcome", outcome(result))
        .register(registry));
  }

  static String outcome(AsyncResult<?> result) {
    if (result.succeeded()) {
      return "success";
    }
    // The client turns every attempt failure into a QiwiException; anything else means the request
    // never reached the wire properly, which for the caller is the same as a transport failure.
    return result.cause() instanceof QiwiException failure ? failure.outcome() : "transport";
  }
}
