package dev.qiwigateway.idempotency;

import io.vertx.core.json.JsonArray;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** What makes two requests "the same request" for an idempotency key: method, path and canonical body. */
public final class RequestFingerprint {

  private RequestFingerprint() {
  }

  /** SHA-256 hex of method, path and the canonical body; a missing body counts as {@code {}}. */
  public static String of(String method, String path, JsonObject body) {
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
  public static final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String encode(JsonObject json) {
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
