package dev.qiwigateway.http;

import dev.qiwigateway.http.Problem;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Collects every invalid field of a request so the caller can fix them all in one round. */
public final class FieldErrors {

  private final List<Problem.FieldError> errors = new ArrayList<>();

  public void add(String field, String message) {
    errors.add(new Problem.FieldError(field, message));
  }

  /** A string member: absent is null; any other JSON type is an error. */
  public String string(JsonObject body, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        add(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      add(field, "must be a string");
      return null;
    }
    // PostgreSQL text and jsonb cannot hold U+0000: refuse it here rather than fail at the database.
    if (text.indexOf(0) >= 0) {
      add(field, "must not contain the character U+0000");
      return null;
    }
    return text;
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** Throws 400 validation_failed naming every invalid field, if there is one. */
  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw Problem.validation(errors);
    }
  }
}
