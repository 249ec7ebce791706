package dev.qiwigateway.sandbox;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.NotificationSignature;
import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiAmount;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.qiwi.QiwiLifetime;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A notification as QIWI sends it (qiwi-protocol.md §4): the form fields of the configured dialect
 * and the header that authenticates them. Built once, so every copy and retry is byte-identical.
 */
record OutgoingNotification(String billId, BillStatus status, Map<String, String> fields, String headerName,
    String headerValue) {

  static OutgoingNotification of(SandboxSettings settings, SandboxBill bill, BillStatus status) {
    QiwiCredentials credentials = settings.credentials();
    if (settings.notifyDialect() == QiwiDialect.REST_V3) {
      Map<String, String> fields = restV3Fields(credentials, bill, status);
      return new OutgoingNotification(bill.billId(), status, fields, "X-Api-Signature",
          NotificationSignature.restV3(credentials.secretKey(), fields));
    }
    Map<String, String> fields = pullV2Fields(bill, status);
    return settings.notifyAuth() == NotifyAuthMode.BASIC
        ? new OutgoingNotification(bill.billId(), status, fields, "Authorization",
            credentials.notificationBasicAuthorization())
        : new OutgoingNotification(bill.billId(), status, fields, "X-Api-Signature",
            NotificationSignature.pullV2(credentials.notifyPassword(), fields));
  }

  private static Map<String, String> restV3Fields(QiwiCredentials credentials, SandboxBill bill, BillStatus status) {
    IssueRequest issued = bill.issued();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("prv_id", credentials.prvId());
    fields.put("bill_id", issued.billId());
    fields.put("status", status.wireName());
    fields.put("error", "0");
    fields.put("amount", QiwiAmount.format(issued.amount()));
    fields.put("phone", issued.user());
    if (status == BillStatus.PAID) {
      bill.paymentDate().ifPresent(paid -> fields.put("payment_date", QiwiLifetime.format(paid)));
    }
    fields.put("currency", issued.currency());
    fields.put("comment", issued.comment());
    fields.put("version", "1");
    return fields;
  }

  private static Map<String, String> pullV2Fields(SandboxBill bill, BillStatus status) {
    IssueRequest issued = bill.issued();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("bill_id", issued.billId());
    fields.put("status", status.wireName());
    fields.put("error", "0");
    fields.put("amount", QiwiAmount.format(issued.amount()));
    fields.put("user", issued.user());
    if (issued.prvName() != null) {
      fields.put("prv_name", issued.prvName());
    }
    fields.put("ccy", issued.currency());
    fields.put("comment", issued.comment());
    fields.put("command", "bill");
    return fields;
  }

  String body() {
    return FormCodec.encode(fields);
  }

  JsonObject fieldsJson() {
    JsonObject json = new JsonObject();
    fields.forEach(json::put);
    return json;
  }
}
