package dev.qiwigateway.sandbox.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The one shop the sandbox plays QIWI for. Printing it never shows a secret: settings and banners
 * with credentials in them reach logs.
 *
 * @param secretKey      rest-v3 key; null or empty derives it from the other three values, as QIWI does
 * @param notifyPassword pull-v2 notification password; null when no pull-v2 notification is sent
 * @param publicKey      the key QIWI's web forms identify the shop by ({@code public_key}, {@code publicKey});
 *                       public by design, so it may be printed
 */
public record SandboxCredentials(String prvId, String apiId, String apiSecret, String secretKey,
    String notifyPassword, String publicKey) {

  /** What the forms accept when no public key is configured. */
  public static final String DEFAULT_PUBLIC_KEY = "sandbox-public-key";

  public SandboxCredentials(String prvId, String apiId, String apiSecret, String secretKey, String notifyPassword) {
    this(prvId, apiId, apiSecret, secretKey, notifyPassword, null);
  }

  public SandboxCredentials {
    Objects.requireNonNull(prvId, "prvId");
    Objects.requireNonNull(apiId, "apiId");
    Objects.requireNonNull(apiSecret, "apiSecret");
    if (secretKey == null || secretKey.isEmpty()) {
      secretKey = secretKeyOf(prvId, apiId, apiSecret);
    }
    if (publicKey == null || publicKey.isEmpty()) {
      publicKey = DEFAULT_PUBLIC_KEY;
    }
  }

  public static SandboxCredentials of(String prvId, String apiId, String apiSecret, String notifyPassword) {
    return new SandboxCredentials(prvId, apiId, apiSecret, null, notifyPassword);
  }

  /** base64 of {@code prv_id|api_id|md5 of the secret in lower-case hex}; the result is a key as text. */
  static String secretKeyOf(String prvId, String apiId, String apiSecret) {
    String md5 = HexFormat.of().formatHex(md5(apiSecret.getBytes(StandardCharsets.UTF_8)));
    String joined = String.join("|", prvId, apiId, md5);
    return Base64.getEncoder().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether one presented Authorization header is this shop's API credential in that dialect. */
  public boolean authorizesApiCall(Dialect dialect, String presented) {
    return sameText(presented, apiAuthorization(dialect));
  }

  /** rest-v3 and v1 present SECRET_KEY as a bearer token; pull-v2 the API login and password. */
  public String apiAuthorization(Dialect dialect) {
    return switch (dialect) {
      case REST_V3, V1 -> "Bearer " + secretKey;
      case PULL_V2 -> basic(apiId, apiSecret);
    };
  }

  /** What a pull-v2 notification carries in Basic mode: the shop id and the notification password. */
  public String notificationAuthorization() {
    return basic(prvId, notifyPassword == null ? "" : notifyPassword);
  }

  private static String basic(String user, String password) {
    byte[] pair = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair);
  }

  /** Whether a form link names this shop's public key. */
  public boolean isPublicKey(String presented) {
    return sameText(presented, publicKey);
  }

  /** Constant time, so that the time of a refusal does not tell how much of a guess was right. */
  static boolean sameText(String presented, String expected) {
    if (presented == null || expected == null) {
      return false;
    }
    return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  @Override
  public String toString() {
    return "SandboxCredentials[prvId=" + prvId + ", apiId=" + apiId + ", apiSecret=***, secretKey=***, notifyPassword="
        + (notifyPassword == null ? "unset" : "***") + ", publicKey=" + publicKey + "]";
  }
}
