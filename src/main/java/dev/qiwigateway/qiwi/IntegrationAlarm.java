package dev.qiwigateway.qiwi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QIWI refusing the integration itself (a wrong API secret, a protocol not enabled, a blocked id or IP):
 * no caller can fix that, an operator must. Every such refusal counts in
 * {@code qiwi_integration_refused_total{operation}}; the first one after an accepted call logs one ERROR,
 * and the next accepted call logs that QIWI accepts the gateway again, so an outage is two lines, not one
 * per request.
 */
final class IntegrationAlarm {

  private static final Logger LOG = LoggerFactory.getLogger(IntegrationAlarm.class);
  static final String COUNTER = "qiwi.integration.refused";

  private final Map<QiwiOperation, Counter> refusals = new EnumMap<>(QiwiOperation.class);
  private final AtomicBoolean raised = new AtomicBoolean();

  IntegrationAlarm(MeterRegistry registry) {
    for (QiwiOperation operation : QiwiOperation.values()) {
      refusals.put(operation, Counter.builder(COUNTER)
          .description("QIWI calls refused for a reason only an operator can fix (credentials, contract, blocking)")
          .tag("operation", operation.metricName())
          .register(registry));
    }
  }

  /** Looks at one attempt's outcome. */
  void observe(QiwiOperation operation, AsyncResult<?> result) {
    if (result.succeeded()) {
      if (raised.get() && raised.compareAndSet(true, false)) {
        LOG.info("QIWI accepts the gateway's calls again");
      }
      return;
    }
    if (result.cause() instanceof QiwiException.Rejection rejection && rejection.needsOperator()) {
      refusals.get(operation).increment();
      if (raised.compareAndSet(false, true)) {
        LOG.error("QIWI refused the integration itself, an operator must act (check QIWI_PRV_ID, QIWI_API_ID, "
            + "QIWI_API_SECRET and the shop's settings at QIWI): {}", rejection.getMessage());
      } else {
        LOG.debug("QIWI still refuses the integration: {}", rejection.getMessage());
      }
    }
  }
}
