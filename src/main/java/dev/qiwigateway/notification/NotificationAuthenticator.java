package dev.qiwigateway.notification;

import dev.qiwigateway.config.IpRange;
import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.qiwi.NotificationSignature;
import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.MultiMap;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a notification comes from QIWI (docs/qiwi.md#notifications): the optional source
 * allow-list first, then the dialect's credential, compared in constant time. The source is the TCP
 * peer; forwarding headers are not trusted, as anyone can write them.
 *
 * <p>One per API verticle, used only on its event loop: its {@link NotificationSignature.Signer} is keyed once.
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
  private NotificationSignature.Signer signer;

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
    return NotificationSignature.constantTimeEquals(presented.trim(), signer().sign(fields));
  }

  /** Keyed on first use; null for pull-v2 without a notification password, which nothing can sign. */
  private NotificationSignature.Signer signer() {
    if (signer == null) {
      String key = dialect == QiwiDialect.REST_V3 ? credentials.secretKey() : credentials.notifyPassword();
      signer = key == null ? null : new NotificationSignature.Signer(dialect, key);
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
}
