package dev.qiwigateway.sandbox;

import static dev.qiwigateway.sandbox.protocol.ResultCode.AMOUNT_TOO_LARGE;
import static dev.qiwigateway.sandbox.protocol.ResultCode.AMOUNT_TOO_SMALL;
import static dev.qiwigateway.sandbox.protocol.ResultCode.BAD_PARAMETERS;
import static dev.qiwigateway.sandbox.protocol.ResultCode.CURRENCY_NOT_ALLOWED;
import static dev.qiwigateway.sandbox.protocol.ResultCode.PARAMETER_MISSING;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.FieldRules;
import dev.qiwigateway.sandbox.protocol.FormBody;
import dev.qiwigateway.sandbox.protocol.MoscowTime;
import dev.qiwigateway.sandbox.protocol.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses what QIWI refuses: wrong credentials, an {@code Accept} that names neither JSON nor XML, a body
 * that is not a UTF-8 form, malformed ids and fields. A required field that is absent is 341; one that is present
 * but malformed is 5.
 */
final class ProtocolValidator {

  private static final String FORM_TYPE = "application/x-www-form-urlencoded";
  private static final List<String> ISSUE_REQUIRED = List.of("user", "amount", "ccy", "comment", "lifetime");

  private final SandboxSettings settings;

  ProtocolValidator(SandboxSettings settings) {
    this.settings = settings;
  }

  /** Exactly one Authorization header with this dialect's credential, and (pull-v2) our shop in the path. */
  boolean authorized(Dialect dialect, String pathPrvId, MultiMap headers) {
    List<String> presented = headers.getAll("Authorization");
    if (presented.size() != 1) {
      return false;
    }
    boolean credentialMatches = settings.credentials().authorizesApiCall(dialect, presented.get(0));
    return credentialMatches && (dialect == Dialect.REST_V3 || settings.credentials().prvId().equals(pathPrvId));
  }

  /** {@code Accept} must name a format QIWI answers in (or be absent); a body must be a form in UTF-8. */
  boolean headersAcceptable(Operation operation, MultiMap headers) {
    if (AnswerFormat.negotiate(headers.getAll("Accept")).isEmpty()) {
      return false;
    }
    return !operation.hasBody() || isUtf8Form(headers.getAll("Content-Type"));
  }

  /** The form media type, with no charset or with UTF-8 as its charset. */
  static boolean isUtf8Form(List<String> contentTypes) {
    if (contentTypes.size() != 1) {
      return false;
    }
    String[] parts = contentTypes.get(0).split(";", -1);
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

  /** The fields of a form body; empty when it is not a well-formed, percent-encoded UTF-8 form. */
  static Optional<Map<String, String>> form(Buffer body) {
    return FormBody.decode(body == null ? new byte[0] : body.getBytes());
  }

  Validated<IssueRequest> issue(String billId, Map<String, String> fields) {
    if (!ISSUE_REQUIRED.stream().allMatch(fields::containsKey)) {
      return Validated.refused(PARAMETER_MISSING);
    }
    String user = fields.get("user");
    Optional<BigDecimal> amount = Amount.parse(fields.get("amount"));
    String currency = fields.get("ccy");
    String comment = fields.get("comment");
    Optional<Instant> lifetime = MoscowTime.parse(fields.get("lifetime"));
    String paySource = fields.getOrDefault("pay_source", FieldRules.DEFAULT_PAY_SOURCE);
    String prvName = fields.get("prv_name");
    boolean wellFormed = FieldRules.isUser(user)
        && amount.isPresent()
        && FieldRules.isCurrency(currency)
        && FieldRules.isComment(comment)
        && lifetime.isPresent()
        && FieldRules.isPaySource(paySource)
        && FieldRules.isPrvName(prvName);
    if (!wellFormed) {
      return Validated.refused(BAD_PARAMETERS);
    }
    if (!settings.currencies().contains(currency)) {
      return Validated.refused(CURRENCY_NOT_ALLOWED);
    }
    if (amount.get().compareTo(settings.minAmount()) < 0) {
      return Validated.refused(AMOUNT_TOO_SMALL);
    }
    if (amount.get().compareTo(settings.maxAmount()) > 0) {
      return Validated.refused(AMOUNT_TOO_LARGE);
    }
    return Validated.ok(new IssueRequest(billId, user, amount.get(), currency, comment, lifetime.get(), paySource,
        prvName));
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
    return Amount.parse(fields.get("amount"))
        .map(Validated::ok)
        .orElseGet(() -> Validated.refused(BAD_PARAMETERS));
  }

  /** The only cancel QIWI knows is {@code status=rejected}, and nothing else in the body. */
  int cancelBody(Map<String, String> fields) {
    if (!fields.containsKey("status")) {
      return PARAMETER_MISSING.code();
    }
    boolean exact = fields.size() == 1 && "rejected".equals(fields.get("status"));
    return exact ? 0 : BAD_PARAMETERS.code();
  }
}
