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
 * A notification as QIWI sends it: the form fields of the configured dialect and the header that
 * authenticates them. Built once, so every copy and retry is byte-identical.
 */
record OutgoingNotification(String billId, BillStatus status, Map<String, String> fields, String headerName,
    String headerValue) {

  static OutgoingNotification of(SandboxSettings settings, SandboxBill bill, BillStatus status) {
    SandboxCredentials credentials = settings.credentials();
    Dialect dialect = settings.notifyDialect();
    Map<String, String> fields = dialect == Dialect.REST_V3
        ? restV3Fields(credentials, bill, status)
        : pullV2Fields(settings.providerName(), bill, status);
    if (dialect == Dialect.PULL_V2 && settings.notifyAuth() == NotifyAuth.BASIC) {
      return new OutgoingNotification(bill.billId(), status, fields, "Authorization",
          credentials.notificationAuthorization());
    }
    return new OutgoingNotification(bill.billId(), status, fields, "X-Api-Signature",
        NotificationSigner.of(dialect, credentials).sign(fields));
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
    fields.put("phone", issued.user());
    if (status == BillStatus.PAID) {
      bill.paymentDate().ifPresent(paid -> fields.put("payment_date", MoscowTime.format(paid)));
    }
    fields.put("currency", issued.currency());
    fields.put("comment", issued.comment());
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
    fields.put("user", issued.user());
    fields.put("prv_name", issued.prvName() == null ? providerName : issued.prvName());
    fields.put("ccy", issued.currency());
    fields.put("comment", issued.comment());
    fields.put("command", "bill");
    return fields;
  }

  String body() {
    return FormBody.encode(fields);
  }

  JsonObject fieldsJson() {
    JsonObject json = new JsonObject();
    fields.forEach(json::put);
    return json;
  }
}
