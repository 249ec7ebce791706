package dev.qiwigateway.loadtest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shop's QIWI credentials as the load tests play QIWI with them (docs/qiwi.md#credentials, docs/qiwi.md#notifications), written
 * here again rather than borrowed from the gateway, so that a signing mistake in the gateway cannot
 * hide itself. Defaults are the protocol's published test vector, which the dev profile uses.
 */
final class QiwiShop {

  private static final List<String> SIGNED = List.of("amount", "bill_id", "currency", "email", "error", "phone",
      "prv_id", "status", "user_id");

  final String prvId;
  final String apiId;
  final String secretKey;

  private QiwiShop(String prvId, String apiId, String apiSecret) {
    this.prvId = prvId;
    this.apiId = apiId;
    this.secretKey = Base64.getEncoder().encodeToString(
        (prvId + "|" + apiId + "|" + md5Hex(apiSecret)).getBytes(StandardCharsets.UTF_8));
  }

  /** From -Dqiwi.prvId / qiwi.apiId / qiwi.apiSecret, checked against the protocol's vectors first. */
  static QiwiShop fromSystemProperties() {
    selfTest();
    return new QiwiShop(System.getProperty("qiwi.prvId", "2042"), System.getProperty("qiwi.apiId", "23244123"),
        System.getProperty("qiwi.apiSecret", "453Fdgd443"));
  }

  /** rest-v3 notification fields in the order QIWI sends them. */
  Map<String, String> notification(String billId, String status, String amount, String phone) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("prv_id", prvId);
    fields.put("bill_id", billId);
    fields.put("status", status);
    fields.put("error", "0");
    fields.put("amount", amount);
    fields.put("phone", phone);
    fields.put("payment_date", "2026-11-27T10:15:30");
    fields.put("currency", "RUB");
    fields.put("comment", "Order " + billId);
    fields.put("version", "1");
    return fields;
  }

  /** X-Api-Signature: base64(HMAC-SHA256(SECRET_KEY, signed fields' values joined with '|')). */
  String signature(Map<String, String> fields) {
    String signed = SIGNED.stream().filter(fields::containsKey).map(fields::get).collect(Collectors.joining("|"));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** A load test that signs wrongly measures refusals, not ingest: refuse to start instead. */
  private static void selfTest() {
    QiwiShop vector = new QiwiShop("2042", "23244123", "453Fdgd443");
    Map<String, String> example = new LinkedHashMap<>();
    example.put("prv_id", "2042");
    example.put("bill_id", "BILL-1");
    example.put("status", "paid");
    example.put("error", "0");
    example.put("amount", "1.00");
    example.put("phone", "tel:+79031811737");
    example.put("currency", "RUB");
    check(vector.secretKey, "MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==");
    check(vector.signature(example), "7qCKHTlO8PNq95kzBC6wsDM0NVWOoanYdzehrvP8uRI=");
  }

  private static void check(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new IllegalStateException("signing does not match the protocol's test vector");
    }
  }

  private static String md5Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }
}
