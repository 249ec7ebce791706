package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The admin API's JSON form of fault rules, e.g. {@code {"fault":"http5xx","status":503,"count":2}}.
 * Read strictly and once: an unknown option or an out-of-range value is refused with a message, so a
 * typo is a 400 rather than a fault that silently never fires.
 */
final class FaultJson {

  private record Kind(Set<String> options, Function<JsonObject, Fault> read) {
  }

  private static final Set<String> COMMON = Set.of("fault", "operations", "dialect", "count");
  private static final Map<String, Kind> KINDS = kinds();

  private FaultJson() {
  }

  private static Map<String, Kind> kinds() {
    Map<String, Kind> kinds = new LinkedHashMap<>();
    kinds.put("latency", new Kind(Set.of("latencyMs"), json -> new Fault.Latency(millis(json, "latencyMs", null))));
    kinds.put("hang", new Kind(Set.of("applied"), json -> new Fault.Hang(flag(json, "applied"))));
    kinds.put("drop", new Kind(Set.of("applied"), json -> new Fault.Drop(flag(json, "applied"))));
    kinds.put("http5xx", new Kind(Set.of("status", "applied"),
        json -> new Fault.HttpStatus((int) integer(json, "status", 503L), flag(json, "applied"))));
    kinds.put("result", new Kind(Set.of("resultCode"),
        json -> new Fault.ResultCode((int) integer(json, "resultCode", null))));
    kinds.put("duplicates", new Kind(Set.of("copies"),
        json -> new Fault.Duplicates((int) integer(json, "copies", 2L))));
    kinds.put("outOfOrder", new Kind(Set.of("holdMs"), json -> new Fault.OutOfOrder(millis(json, "holdMs", 500L))));
    return Map.copyOf(kinds);
  }

  /** @throws IllegalArgumentException with a message fit for the admin's 400 answer */
  static FaultRule.Definition parse(JsonObject json) {
    if (!(json.getValue("fault") instanceof String name)) {
      throw new IllegalArgumentException("'fault' is required");
    }
    Kind kind = KINDS.get(name);
    if (kind == null) {
      throw new IllegalArgumentException(
          "fault must be one of latency, hang, drop, http5xx, result, duplicates, outOfOrder");
    }
    for (String field : json.fieldNames()) {
      if (!COMMON.contains(field) && !kind.options().contains(field)) {
        throw new IllegalArgumentException("'" + field + "' is not an option of fault " + name
            + " (options: " + kind.options() + ")");
      }
    }
    return new FaultRule.Definition(kind.read().apply(json), operations(json.getValue("operations")),
        dialect(json.getValue("dialect")), count(json.getValue("count")));
  }

  static JsonObject toJson(FaultRule rule) {
    FaultRule.Definition definition = rule.definition();
    JsonArray operations = new JsonArray();
    for (Operation operation : Operation.values()) {
      if (definition.operations().contains(operation)) {
        operations.add(operation.adminName());
      }
    }
    JsonObject json = new JsonObject()
        .put("id", rule.id())
        .put("fault", rule.fault().kind())
        .put("operations", operations)
        .put("dialect", definition.dialect().map(Dialect::configName).orElse(null))
        .put("count", definition.count().isPresent() ? definition.count().getAsInt() : null)
        .put("fired", rule.fired())
        .put("active", rule.active());
    return json.mergeIn(options(rule.fault()));
  }

  private static JsonObject options(Fault fault) {
    JsonObject options = new JsonObject();
    if (fault instanceof Fault.Latency latency) {
      options.put("latencyMs", latency.delay().toMillis());
    } else if (fault instanceof Fault.Hang hang) {
      options.put("applied", hang.applied());
    } else if (fault instanceof Fault.Drop drop) {
      options.put("applied", drop.applied());
    } else if (fault instanceof Fault.HttpStatus http) {
      options.put("status", http.status()).put("applied", http.applied());
    } else if (fault instanceof Fault.ResultCode result) {
      options.put("resultCode", result.code());
    } else if (fault instanceof Fault.Duplicates duplicates) {
      options.put("copies", duplicates.copies());
    } else if (fault instanceof Fault.OutOfOrder outOfOrder) {
      options.put("holdMs", outOfOrder.hold().toMillis());
    }
    return options;
  }

  private static Set<Operation> operations(Object value) {
    if (value == null) {
      return Set.of();
    }
    if (!(value instanceof JsonArray names) || names.isEmpty()) {
      throw new IllegalArgumentException("'operations' must be a non-empty array of operation names");
    }
    Set<Operation> operations = EnumSet.noneOf(Operation.class);
    for (Object name : names) {
      operations.add(Operation.fromAdminName(String.valueOf(name)).orElseThrow(() -> new IllegalArgumentException(
          "unknown operation '" + name + "' (issue, status, cancel, refund, refundStatus)")));
    }
    return operations;
  }

  private static Optional<Dialect> dialect(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Dialect.fromConfigName(String.valueOf(value)));
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException("'dialect': " + unknown.getMessage());
    }
  }

  private static OptionalInt count(Object value) {
    if (value == null) {
      return OptionalInt.empty();
    }
    if (!(value instanceof Integer n)) {
      throw new IllegalArgumentException("'count' must be a positive integer (omit it for until cleared)");
    }
    return OptionalInt.of(n);
  }

  /** An integer option; the record that receives it checks its range. */
  private static long integer(JsonObject json, String field, Long fallback) {
    Object value = json.getValue(field);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException("'" + field + "' must be an integer");
    }
    long number = ((Number) value).longValue();
    if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + field + "' is out of range");
    }
    return number;
  }

  private static Duration millis(JsonObject json, String field, Long fallback) {
    return Duration.ofMillis(integer(json, field, fallback));
  }

  private static boolean flag(JsonObject json, String field) {
    Object value = json.getValue(field, false);
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException("'" + field + "' must be true or false");
    }
    return b;
  }
}
