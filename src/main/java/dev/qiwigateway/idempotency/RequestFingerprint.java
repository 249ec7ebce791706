package dev.qiwigateway.idempotency;

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
}
