package dev.qiwigateway.qiwi;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * QIWI's result codes as data (docs/qiwi.md#responses-and-result-codes): which may be retried and which need an
 * operator. "Retry" follows QIWI's own list of non-fatal codes, also where an operator must act (152, 316,
 * 319): QIWI may lift such a state without notice, so the request is not final; the alert is raised anyway.
 */
public enum QiwiResultCode {
  SUCCESS(0, "success", Retry.NO, false),
  BAD_REQUEST(5, "bad request parameters", Retry.NO, false),
  SERVER_BUSY(13, "server busy, retry later", Retry.YES, false),
  FORBIDDEN(78, "operation forbidden", Retry.NO, false),
  AUTHORIZATION_FAILED(150, "authorization error", Retry.NO, true),
  PROTOCOL_NOT_ENABLED(152, "protocol not enabled", Retry.YES, true),
  API_ID_BLOCKED(155, "API id blocked", Retry.NO, true),
  BILL_NOT_FOUND(210, "bill not found", Retry.NO, false),
  BILL_EXISTS(215, "a bill with this bill_id already exists", Retry.NO, false),
  AMOUNT_TOO_SMALL(241, "amount too small", Retry.NO, false),
  AMOUNT_TOO_LARGE(242, "amount too large", Retry.NO, false),
  WALLET_NOT_REGISTERED(298, "wallet not registered", Retry.NO, false),
  TECHNICAL_ERROR(300, "technical error", Retry.YES, false),
  WRONG_PHONE(303, "wrong phone number", Retry.NO, false),
  PROVIDER_BLOCKED(316, "blocked provider", Retry.YES, true),
  NO_RIGHTS(319, "no rights", Retry.YES, true),
  IP_BLOCKED(339, "IP blocked", Retry.NO, true),
  PARAMETER_MISSING(341, "required parameter missing or wrong", Retry.NO, false),
  MONTHLY_LIMIT(700, "monthly limit exceeded", Retry.NO, false),
  WALLET_BLOCKED(774, "wallet temporarily blocked", Retry.NO, false),
  CURRENCY_NOT_ALLOWED(1001, "currency not allowed", Retry.NO, false),
  NO_CONVERSION_RATE(1003, "no conversion rate", Retry.YES, false),
  OPERATOR_UNKNOWN(1019, "mobile operator not determined", Retry.NO, false),
  BILL_BEING_PAID(1419, "bill is being paid or paid, cannot change", Retry.NO, false);

  private enum Retry { YES, NO }

  private static final Map<Integer, QiwiResultCode> BY_CODE =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(QiwiResultCode::code, Function.identity()));

  private final int code;
  private final String meaning;
  private final boolean retryable;
  private final boolean needsOperator;

  QiwiResultCode(int code, String meaning, Retry retry, boolean needsOperator) {
    this.code = code;
    this.meaning = meaning;
    this.retryable = retry == Retry.YES;
    this.needsOperator = needsOperator;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Codes that mean the integration itself is misconfigured or blocked: alert, do not just fail the call. */
  public boolean needsOperator() {
    return needsOperator;
  }

  /** Whether a numeric code is retryable; codes not in the table are final (the safe reading for money). */
  public static boolean isRetryable(int code) {
    QiwiResultCode known = BY_CODE.get(code);
    return known != null && known.retryable;
  }

  public static String describe(int code) {
    QiwiResultCode known = BY_CODE.get(code);
    return known == null ? "unknown result code " + code : known.meaning;
  }

  public static QiwiResultCode of(int code) {
    return BY_CODE.get(code);
  }
}
