package dev.qiwigateway.sandbox.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Api-Signature} of a notification. rest-v3 signs a fixed set of fields with HMAC-SHA256
 * under SECRET_KEY; pull-v2 signs every field with HMAC-SHA1 under the notification password. Either
 * way the decoded values are joined with '|' in the order of their names, and the raw digest is sent
 * in base64. Keys are used as their UTF-8 text, never decoded first.
 */
public final class NotificationSigner {

  /** Already in alphabetical order; a field that is absent is left out, not signed as empty. */
  private static final List<String> REST_V3_SIGNED =
      List.of("amount", "bill_id", "currency", "email", "error", "phone", "prv_id", "status", "user_id");

  private final Dialect dialect;
  private final String key;

  private NotificationSigner(Dialect dialect, String key) {
    this.dialect = dialect;
    this.key = Objects.requireNonNull(key, "signing key");
  }

  /** rest-v3 signs with SECRET_KEY, pull-v2 with the notification password. */
  public static NotificationSigner of(Dialect dialect, SandboxCredentials credentials) {
    return new NotificationSigner(dialect,
        dialect == Dialect.REST_V3 ? credentials.secretKey() : credentials.notifyPassword());
  }

  public static NotificationSigner withKey(Dialect dialect, String key) {
    return new NotificationSigner(dialect, key);
  }

  public String sign(Map<String, String> fields) {
    String algorithm = dialect == Dialect.REST_V3 ? "HmacSHA256" : "HmacSHA1";
    byte[] digest = hmac(algorithm, signedText(dialect, fields));
    return Base64.getEncoder().encodeToString(digest);
  }

  /** The text that is signed, exposed so that tests can hold it against the documented vectors. */
  public static String signedText(Dialect dialect, Map<String, String> fields) {
    StringJoiner joined = new StringJoiner("|");
    if (dialect == Dialect.REST_V3) {
      REST_V3_SIGNED.stream().filter(fields::containsKey).map(fields::get).forEach(joined::add);
    } else {
      new TreeMap<>(fields).values().forEach(joined::add);
    }
    return joined.toString();
  }

  private byte[] hmac(String algorithm, String text) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "NotificationSigner[" + dialect + ", key=***]";
  }
}
