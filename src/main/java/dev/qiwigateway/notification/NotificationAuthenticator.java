package dev.qiwigateway.notification;

import dev.qiwigateway.config.IpRange;
import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decides whether a notification comes from QIWI (docs/qiwi.md#notifications): the optional source
 * allow-list first, then the dialect's credential, compared in constant time. The source is the TCP
 * peer; forwarding headers are not trusted, as anyone can write them.
 *
 * <p>One per API verticle, used only on its event loop: its {@link Signer} is keyed once. The sandbox signs
 * with its own implementation of the same rules, so the two sides check each other.
 */
final class NotificationAuthenticator {

  static final String SIGNATURE_HEADER = "X-Api-Signature";
  private static final String BASIC = "basic ";

  private final QiwiDialect dialect;
  private final NotifyAuthMode mode;
  private final QiwiCredentials credentials;
  private final List<IpRange> allowed;
  /** {@code prv_id:notification password} in UTF-8: what Basic credentials must decode to. */
  private final byte[] expectedBasic;
  private Signer signer;

  NotificationAuthenticator(QiwiSettings settings) {
    this.dialect = settings.dialect();
    this.mode = settings.notifyAuth();
    this.credentials = settings.credentials();
    this.allowed = settings.notifyAllowIps();
    this.expectedBasic = Base64.getDecoder().decode(
        credentials.notificationBasicAuthorization().substring(BASIC.length()));
  }

  /** Whether QIWI_NOTIFY_ALLOW_IPS (when set) lists the TCP peer; checked before the body is even read. */
  boolean allows(String sourceAddress) {
    return allowed.isEmpty() || allowed.stream().anyMatch(range -> range.contains(sourceAddress));
  }

  /** Empty when the credential is QIWI's; otherwise the refusal to answer with. */
  Optional<NotificationAnswer> refusal(MultiMap headers, Map<String, String> fields) {
    if (dialect == QiwiDialect.PULL_V2 && mode == NotifyAuthMode.BASIC) {
      return basicMatches(headers.get("Authorization")) ? Optional.empty()
          : Optional.of(NotificationAnswer.BAD_CREDENTIALS);
    }
    return signatureMatches(headers.get(SIGNATURE_HEADER), fields) ? Optional.empty()
        : Optional.of(NotificationAnswer.BAD_SIGNATURE);
  }

  private boolean signatureMatches(String presented, Map<String, String> fields) {
    if (presented == null || signer() == null) {
      return false;
    }
    // MessageDigest.isEqual does not stop at the first difference, which would tell where a forgery went wrong.
    return MessageDigest.isEqual(presented.trim().getBytes(StandardCharsets.UTF_8),
        signer().sign(fields).getBytes(StandardCharsets.UTF_8));
  }

  /** Keyed on first use; null for pull-v2 without a notification password, which nothing can sign. */
  private Signer signer() {
    if (signer == null) {
      String key = dialect == QiwiDialect.REST_V3 ? credentials.secretKey() : credentials.notifyPassword();
      signer = key == null ? null : new Signer(dialect, key);
    }
    return signer;
  }

  /**
   * The scheme name is case-insensitive (RFC 9110); the credentials are not. QIWI's own example header
   * decodes to {@code prv_id:password} and a newline, so exactly one trailing LF or CRLF after the password
   * is tolerated; nothing else is (no other whitespace, no second newline).
   */
  private boolean basicMatches(String presented) {
    if (presented == null || !presented.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(presented.substring(BASIC.length()).trim());
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    return MessageDigest.isEqual(withoutOneLineEnd(decoded), expectedBasic);
  }

  private static byte[] withoutOneLineEnd(byte[] credentials) {
    int length = credentials.length;
    if (length >= 1 && credentials[length - 1] == '\n') {
      length -= length >= 2 && credentials[length - 2] == '\r' ? 2 : 1;
    }
    return length == credentials.length ? credentials : Arrays.copyOf(credentials, length);
  }

  /**
   * The X-Api-Signature of one dialect under one key (docs/qiwi.md#notifications), keyed once for many
   * notifications (keying a Mac per notification was a few percent of the ingest endpoint's CPU). rest-v3:
   * base64(HMAC-SHA256(SECRET_KEY, signed string)); pull-v2: base64(HMAC-SHA1(notification password, signed
   * string)). Not thread-safe: one per event loop.
   */
  static final class Signer {

    /** rest-v3 signs only these fields, in this (alphabetical) order, when present. */
    private static final List<String> REST_V3_SIGNED_FIELDS =
        List.of("amount", "bill_id", "currency", "email", "error", "phone", "prv_id", "status", "user_id");

    private final QiwiDialect dialect;
    private final Mac mac;

    Signer(QiwiDialect dialect, String key) {
      this.dialect = dialect;
      String algorithm = dialect == QiwiDialect.REST_V3 ? "HmacSHA256" : "HmacSHA1";
      try {
        Mac keyed = Mac.getInstance(algorithm);
        keyed.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        this.mac = keyed;
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException(algorithm + " unavailable", e);
      }
    }

    String sign(Map<String, String> fields) {
      return Base64.getEncoder().encodeToString(mac.doFinal(signedString(dialect, fields).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The decoded values joined with '|': rest-v3 those of the present signed fields, pull-v2 those of all
     * fields, sorted by field name.
     */
    static String signedString(QiwiDialect dialect, Map<String, String> fields) {
      if (dialect == QiwiDialect.REST_V3) {
        return REST_V3_SIGNED_FIELDS.stream().filter(fields::containsKey).map(fields::get)
            .collect(Collectors.joining("|"));
      }
      return String.join("|", new TreeMap<>(fields).values());
    }
  }
}
