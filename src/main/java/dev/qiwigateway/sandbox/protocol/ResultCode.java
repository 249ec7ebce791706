package dev.qiwigateway.sandbox.protocol;

import java.util.Optional;

/**
 * QIWI's result codes with the descriptions the sandbox puts beside them. The sandbox answers some of
 * them for the matching mistake and can be told to answer any of them as an injected fault.
 */
public enum ResultCode {
  SUCCESS(0, "success"),
  BAD_PARAMETERS(5, "bad request parameters"),
  SERVER_BUSY(13, "server busy, retry later"),
  OPERATION_FORBIDDEN(78, "operation forbidden"),
  // The answer example of the protocol spells this one out in these words.
  AUTHORIZATION_FAILED(150, "Authorization failed"),
  PROTOCOL_NOT_ENABLED(152, "protocol not enabled"),
  API_ID_BLOCKED(155, "API id blocked"),
  BILL_NOT_FOUND(210, "bill not found"),
  BILL_ALREADY_EXISTS(215, "a bill with this bill_id already exists"),
  AMOUNT_TOO_SMALL(241, "amount too small"),
  AMOUNT_TOO_LARGE(242, "amount too large"),
  WALLET_NOT_REGISTERED(298, "wallet not registered"),
  TECHNICAL_ERROR(300, "technical error"),
  WRONG_PHONE_NUMBER(303, "wrong phone number"),
  PROVIDER_BLOCKED(316, "blocked provider"),
  NO_RIGHTS(319, "no rights"),
  IP_BLOCKED(339, "IP blocked"),
  PARAMETER_MISSING(341, "required parameter missing or wrong"),
  MONTHLY_LIMIT_EXCEEDED(700, "monthly limit exceeded"),
  WALLET_TEMPORARILY_BLOCKED(774, "wallet temporarily blocked"),
  CURRENCY_NOT_ALLOWED(1001, "currency not allowed"),
  NO_CONVERSION_RATE(1003, "no conversion rate"),
  MOBILE_OPERATOR_UNKNOWN(1019, "mobile operator not determined"),
  BILL_PAID_OR_BEING_PAID(1419, "bill is being paid or paid, cannot change");

  private final int code;
  private final String description;

  ResultCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  public int code() {
    return code;
  }

  public String description() {
    return description;
  }

  public static Optional<ResultCode> of(int code) {
    for (ResultCode known : values()) {
      if (known.code == code) {
        return Optional.of(known);
      }
    }
    return Optional.empty();
  }

  /** The description of any number, so that an answer never lacks one. */
  public static String describe(int code) {
    return of(code).map(ResultCode::description).orElse("result code " + code);
  }
}
