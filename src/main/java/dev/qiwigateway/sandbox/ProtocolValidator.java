package dev.qiwigateway.sandbox;

import static dev.qiwigateway.qiwi.QiwiResultCode.AMOUNT_TOO_LARGE;
import static dev.qiwigateway.qiwi.QiwiResultCode.AMOUNT_TOO_SMALL;
import static dev.qiwigateway.qiwi.QiwiResultCode.BAD_REQUEST;
import static dev.qiwigateway.qiwi.QiwiResultCode.CURRENCY_NOT_ALLOWED;
import static dev.qiwigateway.qiwi.QiwiResultCode.PARAMETER_MISSING;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.NotificationSignature;
import dev.qiwigateway.qiwi.QiwiAmount;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.qiwi.QiwiIds;
import dev.qiwigateway.qiwi.QiwiLifetime;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses what QIWI refuses (qiwi-protocol.md §2): wrong credentials, a missing {@code Accept:
 * text/json}, a body that is not a UTF-8 form, malformed ids and fields. A required field that is
 * absent is 341; one that is present but malformed is 5.
 */
final class ProtocolValidator {

  private static final String FORM_TYPE = "application/x-www-form-urlencoded";
  private static final List<String> ISSUE_REQUIRED = List.of("user", "amount", "ccy", "comment", "lifetime");
  private static final Set<String> PAY_SOURCES = Set.of("qw", "mobile");
  /** URLDecoder turns bytes that are not UTF-8 into U+FFFD; a value containing it was not UTF-8. */
  private static final char NOT_UTF8 = '\uFFFD';

  private final SandboxSettings settings;

  ProtocolValidator(SandboxSettings settings) {
    this.settings = settings;
  }

  /** Exactly one Authorization header with this dialect's credential, and (pull-v2) our shop in the path. */
  boolean authorized(QiwiDialect dialect, String pathPrvId, MultiMap headers) {
    List<String> presented = headers.getAll("Authorization");
    if (presented.size() != 1) {
      return false;
    }
    boolean credentialMatches = NotificationSignature.constantTimeEquals(
        presented.get(0), settings.credentials().authorization(dialect));
    return credentialMatches && (dialect == QiwiDialect.REST_V3 || settings.credentials().prvId().equals(pathPrvId));
  }

  /** {@code Accept} must ask for text/json; a body must be a form in UTF-8. */
  boolean headersAcceptable(SandboxOperation operation, MultiMap headers) {
    String accept = headers.get("Accept");
    if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/json")) {
      return false;
    }
    return !operation.hasBody() || isUtf8Form(headers.getAll("Content-Type"));
  }

  static boolean isUtf8Form(List<String> contentTypes) {
    if (contentTypes.size() != 1) {
      return false;
    }
    String[] parts = contentTypes.get(0).split(";");
    if (!parts[0].trim().equalsIgnoreCase(FORM_TYPE)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] param = parts[i].trim().split("=", 2);
      if (param[0].trim().equalsIgnoreCase("charset")) {
        String charset = param.length < 2 ? "" : param[1].trim().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8")) {
          return false;
        }
      }
    }
    return true;
  }

  /** Decodes a form body; empty when it is not a well-formed, percent-encoded UTF-8 form. */
  static Optional<Map<String, String>> form(Buffer body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    for (byte b : bytes) {
      // Non-ASCII bytes are negative here: a form carries UTF-8 only percent-encoded.
      if (b < 0x20 || b == 0x7f) {
        return Optional.empty();
      }
    }
    try {
      Map<String, String> fields = FormCodec.decode(new String(bytes, StandardCharsets.US_ASCII));
      boolean utf8 = fields.entrySet().stream()
          .noneMatch(e -> e.getKey().indexOf(NOT_UTF8) >= 0 || e.getValue().indexOf(NOT_UTF8) >= 0);
      return utf8 ? Optional.of(fields) : Optional.empty();
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  Validated<IssueRequest> issue(String billId, Map<String, String> fields) {
    if (!ISSUE_REQUIRED.stream().allMatch(fields::containsKey)) {
      return Validated.refused(PARAMETER_MISSING);
    }
    String user = fields.get("user");
    BigDecimal amount = QiwiAmount.parseStrict(fields.get("amount"));
    String currency = fields.get("ccy");
    String comment = fields.get("comment");
    Instant lifetime = QiwiLifetime.parse(fields.get("lifetime"));
    String paySource = fields.getOrDefault("pay_source", "qw");
    String prvName = fields.get("prv_name");
    boolean wellFormed = QiwiIds.isUser(user) && user.length() <= 20
        && amount != null
        && QiwiIds.CURRENCY.matcher(currency).matches()
        && comment.codePointCount(0, comment.length()) <= QiwiIds.COMMENT_MAX
        && lifetime != null
        && PAY_SOURCES.contains(paySource)
        && (prvName == null || prvName.codePointCount(0, prvName.length()) <= QiwiIds.PROVIDER_NAME_MAX);
    if (!wellFormed) {
      return Validated.refused(BAD_REQUEST);
    }
    if (!settings.currencies().contains(currency)) {
      return Validated.refused(CURRENCY_NOT_ALLOWED);
    }
    if (amount.compareTo(settings.minAmount()) < 0) {
      return Validated.refused(AMOUNT_TOO_SMALL);
    }
    if (amount.compareTo(settings.maxAmount()) > 0) {
      return Validated.refused(AMOUNT_TOO_LARGE);
    }
    return Validated.ok(new IssueRequest(billId, user, amount, currency, comment, lifetime, paySource, prvName));
  }

  /**
   * A new bill must end in the future and within the maximum lifetime. Checked only for new bills, so
   * that the retry of a PUT that already created its bill is still answered with that bill.
   */
  boolean lifetimeAcceptable(IssueRequest request) {
    Instant now = settings.clock().instant();
    return request.lifetime().isAfter(now) && !request.lifetime().isAfter(now.plus(settings.maxLifetime()));
  }

  Validated<BigDecimal> refundAmount(Map<String, String> fields) {
    if (!fields.containsKey("amount")) {
      return Validated.refused(PARAMETER_MISSING);
    }
    BigDecimal amount = QiwiAmount.parseStrict(fields.get("amount"));
    return amount == null ? Validated.refused(BAD_REQUEST) : Validated.ok(amount);
  }

  /** The only cancel QIWI knows is {@code status=rejected}, and nothing else in the body. */
  int cancelBody(Map<String, String> fields) {
    if (!fields.containsKey("status")) {
      return PARAMETER_MISSING.code();
    }
    boolean exact = fields.size() == 1 && "rejected".equals(fields.get("status"));
    return exact ? 0 : BAD_REQUEST.code();
  }
}
