package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.MoscowTime;
import dev.qiwigateway.sandbox.protocol.ResultCode;
import io.vertx.core.json.JsonObject;

/** QIWI's answer bodies: {@code {"response":{"result_code":..., ...}}}. */
final class QiwiAnswers {

  private QiwiAnswers() {
  }

  static JsonObject bill(SandboxBill bill) {
    IssueRequest issued = bill.issued();
    String amount = Amount.format(issued.amount());
    JsonObject body = new JsonObject()
        .put("bill_id", issued.billId())
        .put("amount", amount)
        .put("originAmount", amount)
        .put("ccy", issued.currency())
        .put("originCcy", issued.currency())
        .put("status", bill.status().wireName())
        .put("error", 0);
    // A web-form bill may have neither wallet nor comment: absent, as QIWI leaves out what it does not know.
    putPresent(body, "user", issued.user());
    putPresent(body, "comment", issued.comment());
    body
        // Not in the documented shape on purpose: QIWI adds fields, and clients must ignore them.
        .put("creation_datetime", MoscowTime.format(bill.createdAt()));
    return success().put("bill", body).wrapped();
  }

  static JsonObject refund(SandboxBill bill, SandboxRefund refund) {
    JsonObject body = new JsonObject()
        .put("refund_id", refund.refundId())
        .put("amount", Amount.format(refund.amount()))
        .put("status", refund.status().wireName())
        .put("error", 0);
    putPresent(body, "user", bill.issued().user());
    return success().put("refund", body).wrapped();
  }

  static JsonObject error(int resultCode) {
    return new Response(new JsonObject()
        .put("result_code", resultCode)
        .put("description", ResultCode.describe(resultCode))).wrapped();
  }

  private static void putPresent(JsonObject body, String name, String value) {
    if (value != null) {
      body.put(name, value);
    }
  }

  private static Response success() {
    return new Response(new JsonObject().put("result_code", ResultCode.SUCCESS.code()));
  }

  private record Response(JsonObject content) {

    Response put(String name, JsonObject value) {
      content.put(name, value);
      return this;
    }

    JsonObject wrapped() {
      return new JsonObject().put("response", content);
    }
  }
}
