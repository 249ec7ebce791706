package dev.qiwigateway.sandbox.protocol;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a notification. rest-v3 signs a fixed set of fields with HMAC-SHA256 under
 * SECRET_KEY; pull-v2 signs every field with HMAC-SHA1 under the notification password; either sends the
 * raw digest in base64 ({@code X-Api-Signature}). v1 signs the five fields {@code amount.currency,
 * amount.value, billId, siteId, status.value} of the JSON bill with HMAC-SHA256 under SECRET_KEY and sends
 * the digest as lower-case hex ({@code X-Api-Signature-SHA256}), {@code amount.value} with two decimals.
 * Every dialect joins the values with '|' in the order of their names. Keys are used as their UTF-8 text,
 * never decoded first.
 */
public final class NotificationSigner {

  /** Already in alphabetical order; a field that is absent is left out, not signed as empty. */
  private static final List<String> REST_V3_SIGNED =
      List.of("amount", "bill_id", "currency", "email", "error", "phone", "prv_id", "status", "user_id");
  /** The v1 names of the signed bill fields, already in alphabetical order. */
  public static final List<String> V1_SIGNED =
      List.of("amount.currency", "amount.value", "billId", "siteId", "status.value");

  private final Dialect dialect;
  private final String key;

  private NotificationSigner(Dialect dialect, String key) {
    this.dialect = dialect;
    this.key = Objects.requireNonNull(key, "signing key");
  }

  /** rest-v3 and v1 sign with SECRET_KEY, pull-v2 with the notification password. */
  public static NotificationSigner of(Dialect dialect, SandboxCredentials credentials) {
    return new NotificationSigner(dialect,
        dialect == Dialect.PULL_V2 ? credentials.notifyPassword() : credentials.secretKey());
  }

  public static NotificationSigner withKey(Dialect dialect, String key) {
    return new NotificationSigner(dialect, key);
  }

  /** For v1 the fields are named as in {@link #V1_SIGNED}. */
  public String sign(Map<String, String> fields) {
    String algorithm = dialect == Dialect.PULL_V2 ? "HmacSHA1" : "HmacSHA256";
    byte[] digest = hmac(algorithm, signedText(dialect, fields));
    return dialect == Dialect.V1 ? HexFormat.of().formatHex(digest) : Base64.getEncoder().encodeToString(digest);
  }

  /** The text that is signed, exposed so that tests can hold it against the documented vectors. */
  public static String signedText(Dialect dialect, Map<String, String> fields) {
    StringJoiner joined = new StringJoiner("|");
    if (dialect == Dialect.REST_V3) {
      REST_V3_SIGNED.stream().filter(fields::containsKey).map(fields::get).forEach(joined::add);
    } else if (dialect == Dialect.V1) {
      // QIWI's SDKs sign the amount as they format it, with two decimals, whatever the JSON carried.
      V1_SIGNED.forEach(name -> joined.add(name.equals("amount.value")
          ? twoDecimals(fields.get(name)) : String.valueOf(fields.get(name))));
    } else {
      new TreeMap<>(fields).values().forEach(joined::add);
    }
    return joined.toString();
  }

  private static String twoDecimals(String value) {
    try {
      return new BigDecimal(value).setScale(2, RoundingMode.HALF_DOWN).toPlainString();
    } catch (NumberFormatException | NullPointerException notAnAmount) {
      return String.valueOf(value);
    }
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
