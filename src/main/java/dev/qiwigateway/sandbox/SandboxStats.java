package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters for load tests and assertions: API requests by operation and outcome (a result code, or
 * {@code fault:<kind>} when a fault answered instead), by dialect, and notification deliveries.
 */
final class SandboxStats {

  private final Map<String, Map<String, Long>> requests = new TreeMap<>();
  private final Map<String, Long> byDialect = new TreeMap<>();
  private final Map<String, Long> notifications = new TreeMap<>();

  void request(Operation operation, Dialect dialect, String outcome) {
    requests.computeIfAbsent(operation.adminName(), op -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
    byDialect.merge(dialect.configName(), 1L, Long::sum);
  }

  void resultCode(Operation operation, Dialect dialect, int resultCode) {
    request(operation, dialect, Integer.toString(resultCode));
  }

  /** attempts, acknowledged, refused (answered but not acknowledged), failed (no answer), gaveUp. */
  void notification(String outcome) {
    notifications.merge(outcome, 1L, Long::sum);
  }

  JsonObject toJson() {
    JsonObject perOperation = new JsonObject();
    requests.forEach((op, outcomes) -> perOperation.put(op, counts(outcomes)));
    long total = byDialect.values().stream().mapToLong(Long::longValue).sum();
    return new JsonObject()
        .put("requests", perOperation)
        .put("requestsTotal", total)
        .put("requestsByDialect", counts(byDialect))
        .put("notifications", counts(notifications));
  }

  private static JsonObject counts(Map<String, Long> counters) {
    JsonObject json = new JsonObject();
    counters.forEach(json::put);
    return json;
  }

  void clear() {
    requests.clear();
    byDialect.clear();
    notifications.clear();
  }
}
