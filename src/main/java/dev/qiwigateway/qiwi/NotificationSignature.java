package dev.qiwigateway.qiwi;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of QIWI notifications (docs/qiwi.md#notifications). The sandbox signs with these functions and
 * the gateway verifies with them, so both sides share one definition of the signed string.
 */
public final class NotificationSignature {

  /** rest-v3 signs only these fields, in this (alphabetical) order, when present. */
  static final List<String> REST_V3_SIGNED_FIELDS =
      List.of("amount", "bill_id", "currency", "email", "error", "phone", "prv_id", "status", "user_id");

  private NotificationSignature() {
  }

  /** The string rest-v3 signs: the present signed fields' decoded values joined with '|'. */
  public static String restV3SignedString(Map<String, String> fields) {
    return REST_V3_SIGNED_FIELDS.stream()
        .filter(fields::containsKey)
        .map(fields::get)
        .collect(Collectors.joining("|"));
  }

  /** The string pull-v2 signs: the values of all fields, sorted by field name, joined with '|'. */
  public static String pullV2SignedString(Map<String, String> fields) {
    return String.join("|", new TreeMap<>(fields).values());
  }

  /** X-Api-Signature of a rest-v3 notification: base64(HMAC-SHA256(SECRET_KEY, signed string)). */
  public static String restV3(String secretKey, Map<String, String> fields) {
    return hmacBase64("HmacSHA256", secretKey, restV3SignedString(fields));
  }

  /** X-Api-Signature of a pull-v2 notification: base64(HMAC-SHA1(notification password, signed string)). */
  public static String pullV2(String notifyPassword, Map<String, String> fields) {
    return hmacBase64("HmacSHA1", notifyPassword, pullV2SignedString(fields));
  }

  /** Compares a presented credential with the expected one without leaking where they differ. */
  public static boolean constantTimeEquals(String presented, String expected) {
    if (presented == null || expected == null) {
      return false;
    }
    return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  public static String hmacBase64(String algorithm, String key, String message) {
    return Base64.getEncoder().encodeToString(keyedMac(algorithm, key).doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The signature of one dialect under one key, keyed once for many notifications (keying a Mac per
   * notification was a few percent of the ingest endpoint's CPU). Not thread-safe: one per event loop.
   */
  public static final class Signer {
    private final QiwiDialect dialect;
    private final Mac mac;

    /** rest-v3: HMAC-SHA256 with SECRET_KEY; pull-v2: HMAC-SHA1 with the notification password. */
    public Signer(QiwiDialect dialect, String key) {
      this.dialect = dialect;
      this.mac = keyedMac(dialect == QiwiDialect.REST_V3 ? "HmacSHA256" : "HmacSHA1", key);
    }

    public String sign(Map<String, String> fields) {
      String signed = dialect == QiwiDialect.REST_V3 ? restV3SignedString(fields) : pullV2SignedString(fields);
      return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static Mac keyedMac(String algorithm, String key) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
  }
}
