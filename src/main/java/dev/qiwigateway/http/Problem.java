package dev.qiwigateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An RFC 9457 problem as the contract spells it (docs/api.md#errors): {@code code} is the stable
 * machine-readable part, {@code detail} is for people. Thrown by handlers and rendered by {@link Problems}.
 */
public final class Problem extends RuntimeException {

  public static final String TYPE_ROOT = "https://qiwi-gateway.dev/problems/";

  private final int status;
  private final String code;
  private final String title;
  private final List<FieldError> errors;
  private final JsonObject extensions;
  private final Integer retryAfterSeconds;

  public record FieldError(String field, String message) {
  }

  private Problem(int status, String code, String title, String detail, List<FieldError> errors,
      JsonObject extensions, Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.extensions = extensions;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem(status, code, title, detail, List.of(), new JsonObject(), null);
  }

  public static Problem validation(List<FieldError> errors) {
    return new Problem(400, "validation_failed", "Request validation failed",
        "One or more fields are invalid.", errors, new JsonObject(), null);
  }

  public static Problem unavailable(String detail, int retryAfterSeconds) {
    return new Problem(503, "unavailable", "Service unavailable", detail, List.of(), new JsonObject(), retryAfterSeconds);
  }

  public Problem withRetryAfter(int seconds) {
    return new Problem(status, code, title, getMessage(), errors, extensions, seconds);
  }

  public Problem with(String extension, Object value) {
    return new Problem(status, code, title, getMessage(), errors, extensions.copy().put(extension, value), retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", TYPE_ROOT + code)
        .put("title", title)
        .put("status", status)
        .put("code", code)
        .put("detail", getMessage());
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      errors.forEach(e -> list.add(new JsonObject().put("field", e.field()).put("message", e.message())));
      json.put("errors", list);
    }
    extensions.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }
}
