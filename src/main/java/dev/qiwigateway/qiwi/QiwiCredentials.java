package dev.qiwigateway.qiwi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A shop's QIWI credentials (docs/qiwi.md#credentials). {@link #toString()} never shows a secret, so the
 * record can travel through logs and printed configuration safely.
 *
 * @param notifyPassword pull-v2 notification password; null when the dialect does not need one
 */
public record QiwiCredentials(String prvId, String apiId, String apiSecret, String secretKey, String notifyPassword) {

  public QiwiCredentials {
    Objects.requireNonNull(prvId, "prvId");
    Objects.requireNonNull(apiId, "apiId");
    Objects.requireNonNull(apiSecret, "apiSecret");
    if (secretKey == null || secretKey.isEmpty()) {
      secretKey = deriveSecretKey(prvId, apiId, apiSecret);
    }
  }

  public static QiwiCredentials of(String prvId, String apiId, String apiSecret, String notifyPassword) {
    return new QiwiCredentials(prvId, apiId, apiSecret, null, notifyPassword);
  }

  /** SECRET_KEY = base64(prv_id | api_id | md5hex(api_secret)), used as its UTF-8 text, never decoded. */
  public static String deriveSecretKey(String prvId, String apiId, String apiSecret) {
    String joined = prvId + "|" + apiId + "|" + md5Hex(apiSecret);
    return Base64.getEncoder().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
  }

  /** The value of the Authorization header of an API call in the given dialect. */
  public String authorization(QiwiDialect dialect) {
    return switch (dialect) {
      case REST_V3 -> "Bearer " + secretKey;
      case PULL_V2 -> basic(apiId, apiSecret);
    };
  }

  /** pull-v2 notifications in Basic mode carry base64(prv_id:notification password). */
  public String notificationBasicAuthorization() {
    return basic(prvId, notifyPassword == null ? "" : notifyPassword);
  }

  static String basic(String user, String password) {
    String pair = user + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static String md5Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "QiwiCredentials[prvId=" + prvId + ", apiId=" + apiId + ", apiSecret=***, secretKey=***, notifyPassword="
        + (notifyPassword == null ? "unset" : "***") + "]";
  }
}
