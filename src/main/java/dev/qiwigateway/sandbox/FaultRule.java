package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import dev.qiwigateway.sandbox.protocol.ResultCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One injected fault: what it matches (operations and/or dialect), how often it fires (the next
 * {@code count} matching requests, or until cleared) and what it does. Parsed strictly from the admin
 * API's JSON, so that a typo is a 400 rather than a fault that silently never fires.
 */
final class FaultRule {

  enum Kind {
    LATENCY("latency", false, Set.of("latencyMs")),
    HANG("hang", false, Set.of("applied")),
    DROP("drop", false, Set.of("applied")),
    HTTP_5XX("http5xx", false, Set.of("status", "applied")),
    RESULT("result", false, Set.of("resultCode")),
    DUPLICATES("duplicates", true, Set.of("copies")),
    OUT_OF_ORDER("outOfOrder", true, Set.of("holdMs"));

    private final String adminName;
    private final boolean notification;
    private final Set<String> options;

    Kind(String adminName, boolean notification, Set<String> options) {
      this.adminName = adminName;
      this.notification = notification;
      this.options = options;
    }

    String adminName() {
      return adminName;
    }

    /** Notification faults change deliveries; the others change answers to API requests. */
    boolean forNotifications() {
      return notification;
    }

    static Kind fromAdminName(String name) {
      return Arrays.stream(values()).filter(k -> k.adminName.equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(
              "fault must be one of latency, hang, drop, http5xx, result, duplicates, outOfOrder"));
    }
  }

  private static final Set<String> COMMON = Set.of("fault", "operations", "dialect", "count");
  private static final long MAX_MILLIS = 600_000;

  private final int id;
  private final Kind kind;
  private final Set<Operation> operations;
  private final Dialect dialect;
  private final Integer count;
  private final JsonObject options;
  private int fired;

  private FaultRule(int id, Kind kind, Set<Operation> operations, Dialect dialect, Integer count,
      JsonObject options) {
    this.id = id;
    this.kind = kind;
    this.operations = operations;
    this.dialect = dialect;
    this.count = count;
    this.options = options;
  }

  /** @throws IllegalArgumentException with a message fit for the admin's 400 answer */
  static FaultRule fromJson(int id, JsonObject json) {
    if (!(json.getValue("fault") instanceof String name)) {
      throw new IllegalArgumentException("'fault' is required");
    }
    Kind kind = Kind.fromAdminName(name);
    for (String field : json.fieldNames()) {
      if (!COMMON.contains(field) && !kind.options.contains(field)) {
        throw new IllegalArgumentException("'" + field + "' is not an option of fault " + name
            + " (options: " + kind.options + ")");
      }
    }
    Set<Operation> operations = operations(json.getValue("operations"));
    if (kind.forNotifications() && !operations.isEmpty()) {
      throw new IllegalArgumentException("fault " + name + " applies to notifications, not to operations");
    }
    FaultRule rule = new FaultRule(id, kind, operations, dialect(json.getValue("dialect")),
        count(json.getValue("count")), new JsonObject());
    rule.readOptions(json);
    return rule;
  }

  private void readOptions(JsonObject json) {
    switch (kind) {
      case LATENCY -> options.put("latencyMs", number(json, "latencyMs", null, 0, MAX_MILLIS));
      case HANG, DROP -> options.put("applied", flag(json, "applied"));
      case HTTP_5XX -> options.put("status", number(json, "status", 503L, 500, 599)).put("applied", flag(json, "applied"));
      case RESULT -> options.put("resultCode", resultCode(json));
      case DUPLICATES -> options.put("copies", number(json, "copies", 2L, 2, 10));
      case OUT_OF_ORDER -> options.put("holdMs", number(json, "holdMs", 500L, 0, MAX_MILLIS));
    }
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

  private static Dialect dialect(Object value) {
    if (value == null) {
      return null;
    }
    return Dialect.fromConfigName(String.valueOf(value));
  }

  private static Integer count(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer n) || n < 1) {
      throw new IllegalArgumentException("'count' must be a positive integer (omit it for until cleared)");
    }
    return n;
  }

  private static long number(JsonObject json, String field, Long fallback, long min, long max) {
    Object value = json.getValue(field);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw new IllegalArgumentException("'" + field + "' must be an integer in " + min + ".." + max);
    }
    return ((Number) value).longValue();
  }

  private static boolean flag(JsonObject json, String field) {
    Object value = json.getValue(field, false);
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException("'" + field + "' must be true or false");
    }
    return b;
  }

  private static int resultCode(JsonObject json) {
    long code = number(json, "resultCode", null, 1, 9999);
    if (ResultCode.of((int) code).isEmpty()) {
      throw new IllegalArgumentException("'resultCode' must be a non-zero code of QIWI's table, such as 13 or 300");
    }
    return (int) code;
  }

  int id() {
    return id;
  }

  Kind kind() {
    return kind;
  }

  boolean active() {
    return count == null || fired < count;
  }

  boolean matches(Operation operation, Dialect requestDialect) {
    return active()
        && (operation == null || operations.isEmpty() || operations.contains(operation))
        && (dialect == null || dialect == requestDialect);
  }

  /** Counts one firing; the rule goes quiet once it has fired {@code count} times. */
  void fire() {
    fired++;
  }

  long latencyMs() {
    return options.getLong("latencyMs");
  }

  int httpStatus() {
    return options.getInteger("status");
  }

  int resultCode() {
    return options.getInteger("resultCode");
  }

  /** Whether the operation takes effect before the answer is lost (the worst case for a client). */
  boolean applied() {
    return options.getBoolean("applied", false);
  }

  int copies() {
    return options.getInteger("copies");
  }

  long holdMs() {
    return options.getLong("holdMs");
  }

  JsonObject toJson() {
    JsonArray operationNames = new JsonArray();
    new LinkedHashSet<>(operations).forEach(op -> operationNames.add(op.adminName()));
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("fault", kind.adminName())
        .put("operations", operationNames)
        .put("dialect", dialect == null ? null : dialect.configName())
        .put("count", count)
        .put("fired", fired)
        .put("active", active());
    for (Map.Entry<String, Object> option : options) {
      json.put(option.getKey(), option.getValue());
    }
    return json;
  }
}
