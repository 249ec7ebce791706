package dev.qiwigateway.qiwi;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.domain.RefundStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Turns a QIWI HTTP answer into a bill or refund, or into the {@link QiwiException} that explains why
 * it is not one (docs/qiwi.md#responses-and-result-codes). The one place where HTTP status and result code are mapped.
 * Tolerant where QIWI varies (numbers sent as strings, extra fields), strict where money is at stake
 * (amount, status, the id answered for).
 */
final class QiwiResponseParser {

  private static final int AUTHORIZATION_FAILED = QiwiResultCode.AUTHORIZATION_FAILED.code();
  private static final Pattern NUMERIC = Pattern.compile("-?[0-9]{1,9}");

  private QiwiResponseParser() {
  }

  static QiwiBill bill(QiwiOperation operation, String billId, int httpStatus, Buffer body) {
    JsonObject bill = successPart(operation, httpStatus, body, "bill");
    Wire wire = new Wire(operation, "bill");
    wire.requireSameId(billId, wire.text(bill, "bill_id"));
    return new QiwiBill(
        billId,
        wire.amount(bill),
        wire.currency(bill, "ccy"),
        BillStatus.fromWire(wire.text(bill, "status"))
            .orElseThrow(() -> wire.violation("unknown bill status")),
        wire.optionalInt(bill, "error"),
        wire.optionalText(bill, "user"),
        wire.optionalText(bill, "comment"));
  }

  static QiwiRefund refund(QiwiOperation operation, String refundId, int httpStatus, Buffer body) {
    JsonObject refund = successPart(operation, httpStatus, body, "refund");
    Wire wire = new Wire(operation, "refund");
    wire.requireSameId(refundId, wire.text(refund, "refund_id"));
    return new QiwiRefund(
        refundId,
        wire.amount(refund),
        RefundStatus.fromWire(wire.text(refund, "status"))
            .orElseThrow(() -> wire.violation("unknown refund status")),
        wire.optionalInt(refund, "error"),
        wire.optionalText(refund, "user"));
  }

  /** The named object of an answer whose result code is 0; any other answer becomes the matching exception. */
  private static JsonObject successPart(QiwiOperation operation, int httpStatus, Buffer body, String part) {
    if (httpStatus >= 500) {
      throw new QiwiException.TransportFailure(operation, "HTTP " + httpStatus, null);
    }
    JsonObject response = responseObject(operation, httpStatus, body);
    Wire wire = new Wire(operation, "response");
    int resultCode = wire.requiredInt(response, "result_code");
    if (resultCode != 0) {
      throw resultCodeFailure(operation, resultCode);
    }
    Object value = response.getValue(part);
    if (!(value instanceof JsonObject found)) {
      throw new QiwiException.ProtocolViolation(operation,
          "result_code 0 without a " + part + " (HTTP " + httpStatus + ")");
    }
    return found;
  }

  private static JsonObject responseObject(QiwiOperation operation, int httpStatus, Buffer body) {
    JsonObject response = null;
    try {
      Object value = body == null ? null : new JsonObject(body).getValue("response");
      response = value instanceof JsonObject found ? found : null;
    } catch (DecodeException | ClassCastException notAnObject) {
      // falls through: the body is not a QIWI answer
    }
    if (response != null) {
      return response;
    }
    if (httpStatus == 401) {
      // Credentials refused before QIWI's API layer produced a body: the same verdict as code 150.
      throw new QiwiException.Rejection(operation, AUTHORIZATION_FAILED);
    }
    throw new QiwiException.ProtocolViolation(operation, "HTTP " + httpStatus + " without a QIWI answer");
  }

  static QiwiException resultCodeFailure(QiwiOperation operation, int resultCode) {
    return QiwiResultCode.isRetryable(resultCode)
        ? new QiwiException.RetryableResult(operation, resultCode)
        : new QiwiException.Rejection(operation, resultCode);
  }

  /** Field readers for one part of an answer; every defect becomes a {@link QiwiException.ProtocolViolation}. */
  private record Wire(QiwiOperation operation, String part) {

    String text(JsonObject object, String field) {
      String value = optionalText(object, field);
      if (value == null || value.isEmpty()) {
        throw violation("missing " + field);
      }
      return value;
    }

    String optionalText(JsonObject object, String field) {
      Object value = object.getValue(field);
      if (value != null && !(value instanceof String)) {
        throw violation(field + " is not a string");
      }
      return (String) value;
    }

    BigDecimal amount(JsonObject object) {
      BigDecimal amount = QiwiAmount.parseLenient(text(object, "amount"));
      if (amount == null) {
        throw violation("amount is not an exact decimal");
      }
      return amount;
    }

    String currency(JsonObject object, String field) {
      String currency = text(object, field);
      if (!QiwiIds.CURRENCY.matcher(currency).matches()) {
        throw violation(field + " is not an ISO 4217 alpha-3 code");
      }
      return currency;
    }

    void requireSameId(String asked, String answered) {
      if (!asked.equals(answered)) {
        throw violation("answer is about another " + part + " than the one asked for");
      }
    }

    int requiredInt(JsonObject object, String field) {
      if (object.getValue(field) == null) {
        throw violation("missing " + field);
      }
      return optionalInt(object, field);
    }

    /** A JSON integer or a numeric string; absent means 0 (QIWI omits {@code error} when there is none). */
    int optionalInt(JsonObject object, String field) {
      Object value = object.getValue(field);
      if (value == null) {
        return 0;
      }
      if (value instanceof String text && NUMERIC.matcher(text).matches()) {
        return Integer.parseInt(text);
      }
      if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
        try {
          return new BigInteger(value.toString()).intValueExact();
        } catch (ArithmeticException tooLarge) {
          throw violation(field + " is out of range");
        }
      }
      throw violation(field + " is not an integer");
    }

    QiwiException.ProtocolViolation violation(String reason) {
      return new QiwiException.ProtocolViolation(operation, part + ": " + reason);
    }
  }
}
