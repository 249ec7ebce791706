package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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

  /**
   * What makes two requests "the same request" for a key: SHA-256 hex of method, path and the
   * canonical body; a missing body counts as {@code {}}.
   */
  public static String fingerprint(String method, String path, JsonObject body) {
    String canonical = method.toUpperCase(Locale.ROOT) + '\n' + path + '\n'
        + CanonicalJson.encode(body == null ? new JsonObject() : body);
    return HexFormat.of().formatHex(sha256().digest(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The canonical text of a JSON body for fingerprints: members sorted by name at every depth, no
   * whitespace, numbers and strings as parsed. Two bodies that differ only in member order or
   * formatting are the same request.
   */
  static final class CanonicalJson {

    private CanonicalJson() {
    }

    static String encode(JsonObject json) {
      return sortedObject(json).encode();
    }

    private static JsonObject sortedObject(JsonObject json) {
      Map<String, Object> sorted = new TreeMap<>();
      json.forEach(member -> sorted.put(member.getKey(), sorted(member.getValue())));
      return new JsonObject(sorted);
    }

    private static JsonArray sortedArray(JsonArray json) {
      List<Object> items = new ArrayList<>(json.size());
      json.forEach(item -> items.add(sorted(item)));
      return new JsonArray(items);
    }

    private static Object sorted(Object value) {
      // A fraction counts as the double a generic JSON reader makes of it, as in fingerprints stored
      // before the handler's own strict reading (BigDecimal) was reused: a retry across an upgrade matches.
      if (value instanceof BigDecimal decimal) {
        return decimal.doubleValue();
      }
      if (value instanceof JsonObject object) {
        return sortedObject(object);
      }
      if (value instanceof JsonArray array) {
        return sortedArray(array);
      }
      return value;
    }
  }
}
