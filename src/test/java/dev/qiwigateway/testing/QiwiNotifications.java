package dev.qiwigateway.testing;

import dev.qiwigateway.qiwi.NotificationSignature;
import java.util.LinkedHashMap;
import java.util.Map;

/** QIWI's rest-v3 notifications about the test shop's bills, as the sandbox sends them. */
public final class QiwiNotifications {

  private QiwiNotifications() {
  }

  /** The form fields of a notification about one of the shop's bills. */
  public static Map<String, String> restV3(String billId, String status, String amount) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("prv_id", TestSecrets.PRV_ID);
    fields.put("bill_id", billId);
    fields.put("status", status);
    fields.put("error", "0");
    fields.put("amount", amount);
    fields.put("phone", "tel:+79161234567");
    fields.put("currency", "RUB");
    fields.put("comment", "Order " + billId);
    fields.put("version", "1");
    return fields;
  }

  /** X-Api-Signature of those fields, signed with the test credentials' SECRET_KEY. */
  public static String restV3Signature(Map<String, String> fields) {
    return NotificationSignature.restV3(TestSecrets.credentials().secretKey(), fields);
  }
}
