package dev.qiwigateway.testing;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotificationSigner;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QIWI's rest-v3 notifications about the test shop's bills, as the sandbox sends them. Signatures come from
 * the sandbox's signer, written apart from the gateway's verifier, so a test that signs here checks the
 * gateway against an independent reading of the protocol.
 */
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
    return restV3Signature(TestSecrets.credentials().secretKey(), fields);
  }

  /** X-Api-Signature of a rest-v3 notification: base64(HMAC-SHA256(SECRET_KEY, signed string)). */
  public static String restV3Signature(String secretKey, Map<String, String> fields) {
    return NotificationSigner.withKey(Dialect.REST_V3, secretKey).sign(fields);
  }

  /** X-Api-Signature of a pull-v2 notification: base64(HMAC-SHA1(notification password, signed string)). */
  public static String pullV2Signature(String notifyPassword, Map<String, String> fields) {
    return NotificationSigner.withKey(Dialect.PULL_V2, notifyPassword).sign(fields);
  }
}
