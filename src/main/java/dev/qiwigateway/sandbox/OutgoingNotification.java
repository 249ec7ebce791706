package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.BillStatus;
import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.FormBody;
import dev.qiwigateway.sandbox.protocol.MoscowTime;
import dev.qiwigateway.sandbox.protocol.NotificationSigner;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import dev.qiwigateway.sandbox.protocol.SandboxCredentials;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A notification as QIWI sends it: the form fields (rest-v3, pull-v2) or the JSON bill (v1) of the
 * configured dialect and the header that authenticates them. Built once, so every copy and retry is
 * byte-identical.
 *
 * @param shown what the admin API's delivery log shows: the form fields, or the v1 JSON body
 */
record OutgoingNotification(String billId, BillStatus status, JsonObject shown, String contentType, String body,
    String headerName, String headerValue) {

  private static final String FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

  static OutgoingNotification of(SandboxSettings settings, SandboxBill bill, BillStatus status) {
    SandboxCredentials credentials = settings.credentials();
    Dialect dialect = settings.notifyDialect();
    if (dialect == Dialect.V1) {
      return v1(credentials, bill, status);
    }
    Map<String, String> fields = dialect == Dialect.REST_V3
        ? restV3Fields(credentials, bill, status)
        : pullV2Fields(settings.providerName(), bill, status);
    JsonObject shown = new JsonObject();
    fields.forEach(shown::put);
    if (dialect == Dialect.PULL_V2 && settings.notifyAuth() == NotifyAuth.BASIC) {
      return new OutgoingNotification(bill.billId(), status, shown, FORM_TYPE, FormBody.encode(fields),
          "Authorization", credentials.notificationAuthorization());
    }
    return new OutgoingNotification(bill.billId(), status, shown, FORM_TYPE, FormBody.encode(fields),
        "X-Api-Signature", NotificationSigner.of(dialect, credentials).sign(fields));
  }

  /** {@code {"bill":{...},"version":"1"}}, signed over the five fields QIWI's SDKs check, in hex. */
  private static OutgoingNotification v1(SandboxCredentials credentials, SandboxBill bill, BillStatus status) {
    JsonObject notifiedBill = V1Answers.notifiedBill(bill, status, credentials.prvId());
    JsonObject amount = notifiedBill.getJsonObject("amount");
    Map<String, String> signed = new LinkedHashMap<>();
    signed.put("amount.currency", amount.getString("currency"));
    signed.put("amount.value", amount.getString("value"));
    signed.put("billId", notifiedBill.getString("billId"));
    signed.put("siteId", notifiedBill.getString("siteId"));
    signed.put("status.value", notifiedBill.getJsonObject("status").getString("value"));
    JsonObject body = new JsonObject().put("bill", notifiedBill).put("version", "1");
    return new OutgoingNotification(bill.billId(), status, body, "application/json; charset=utf-8", body.encode(),
        "X-Api-Signature-SHA256", NotificationSigner.of(Dialect.V1, credentials).sign(signed));
  }

  /** The wallet the bill was issued to goes out as {@code phone}. */
  private static Map<String, String> restV3Fields(SandboxCredentials credentials, SandboxBill bill,
      BillStatus status) {
    IssueRequest issued = bill.issued();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("prv_id", credentials.prvId());
    fields.put("bill_id", issued.billId());
    fields.put("status", status.wireName());
    fields.put("error", "0");
    fields.put("amount", Amount.format(issued.amount()));
    putPresent(fields, "phone", issued.user());
    if (status == BillStatus.PAID) {
      bill.paymentDate().ifPresent(paid -> fields.put("payment_date", MoscowTime.format(paid)));
    }
    fields.put("currency", issued.currency());
    putPresent(fields, "comment", issued.comment());
    fields.put("version", "1");
    return fields;
  }

  /**
   * QIWI lists {@code prv_name} as always present: the shop's name from its settings, or the name the bill
   * was issued with (what the buyer saw on it).
   */
  private static Map<String, String> pullV2Fields(String providerName, SandboxBill bill, BillStatus status) {
    IssueRequest issued = bill.issued();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("bill_id", issued.billId());
    fields.put("status", status.wireName());
    fields.put("error", "0");
    fields.put("amount", Amount.format(issued.amount()));
    putPresent(fields, "user", issued.user());
    fields.put("prv_name", issued.prvName() == null ? providerName : issued.prvName());
    fields.put("ccy", issued.currency());
    putPresent(fields, "comment", issued.comment());
    fields.put("command", "bill");
    return fields;
  }

  private static void putPresent(Map<String, String> fields, String name, String value) {
    if (value != null) {
      fields.put(name, value);
    }
  }
}
