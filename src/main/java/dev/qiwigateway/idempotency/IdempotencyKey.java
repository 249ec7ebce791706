package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problem;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;

/**
 * A merchant's Idempotency-Key (docs/api.md#idempotency). Keys are scoped to the merchant: two merchants
 * may use the same value without ever seeing each other's answers.
 */
public record IdempotencyKey(String merchantId, String value) {

  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_LENGTH = 255;

  public IdempotencyKey {
    Objects.requireNonNull(merchantId, "merchantId");
    Objects.requireNonNull(value, "value");
  }

  /** The key of the request being routed, for the merchant it authenticated as. */
  public static IdempotencyKey fromRequest(RoutingContext ctx, String merchantId) {
    return fromHeaders(merchantId, ctx.request().headers().getAll(HEADER));
  }

  /**
   * @param headerValues every value of the Idempotency-Key header, as
   *     {@code ctx.request().headers().getAll("Idempotency-Key")} returns them
   * @throws Problem 400 {@code idempotency_key_invalid} when the header is missing, empty, longer than
   *     255 characters, not printable ASCII, or sent more than once
   */
  public static IdempotencyKey fromHeaders(String merchantId, List<String> headerValues) {
    if (headerValues == null || headerValues.isEmpty()) {
      throw invalid("The Idempotency-Key header is required.");
    }
    if (headerValues.size() > 1) {
      throw invalid("The Idempotency-Key header must be sent once.");
    }
    String value = headerValues.get(0);
    if (value == null || value.isBlank()) {
      throw invalid("The Idempotency-Key header must not be empty.");
    }
    if (value.length() > MAX_LENGTH) {
      throw invalid("The Idempotency-Key header must be at most " + MAX_LENGTH + " characters.");
    }
    if (!value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      throw invalid("The Idempotency-Key header must be printable ASCII.");
    }
    return new IdempotencyKey(merchantId, value);
  }

  private static Problem invalid(String detail) {
    return Problem.of(400, "idempotency_key_invalid", "Invalid Idempotency-Key", detail);
  }
}
