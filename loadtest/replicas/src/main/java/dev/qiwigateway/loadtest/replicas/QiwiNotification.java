package dev.qiwigateway.loadtest.replicas;

import java.math.BigDecimal;
import java.net.URLDecoder;
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
 * QIWI's rest-v3 notifications as the driver forges and reads them, written independently of the
 * gateway's code: form encoding (UTF-8), the shop's SECRET_KEY and the X-Api-Signature header.
 *
 * <ul>
 *   <li>SECRET_KEY = base64(prv_id + "|" + api_id + "|" + lower-case md5 hex of api_secret), used as its
 *       UTF-8 text (never decoded).
 *   <li>X-Api-Signature = base64(HMAC-SHA256(SECRET_KEY, the decoded values of those of amount, bill_id,
 *       currency, email, error, phone, prv_id, status, user_id that are present, in that order, joined
 *       with "|")). Other fields (comment, extra_*, ...) are not signed.
 * </ul>
 */
final class QiwiNotification {

  static final List<String> SIGNED_FIELDS =
      List.of("amount", "bill_id", "currency", "email", "error", "phone", "prv_id", "status", "user_id");

  private QiwiNotification() {
  }

  static String secretKey(String prvId, String apiId, String apiSecret) {
    String joined = prvId + "|" + apiId + "|" + hex("MD5", apiSecret);
    return Base64.getEncoder().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
  }

  static String signedString(Map<String, String> fields) {
    return SIGNED_FIELDS.stream().filter(fields::containsKey).map(fields::get).collect(Collectors.joining("|"));
  }

  static String signature(String secretKey, Map<String, String> fields) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(signedString(fields).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** An amount as QIWI writes it: exactly two fraction digits. */
  static String amount(BigDecimal amount) {
    return amount.setScale(2).toPlainString();
  }

  static String encode(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** Decodes a form body in field order; of a repeated field the first value is kept. */
  static Map<String, String> decode(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return fields;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      fields.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  private static String hex(String digest, String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(digest).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(digest + " unavailable", e);
    }
  }

  /** QIWI's published examples: a signer that disagrees with them must not run. */
  static void selfCheck() {
    String secretKey = secretKey("2042", "23244123", "453Fdgd443");
    expect("SECRET_KEY", secretKey, "MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==");
    Map<String, String> paid = decode("prv_id=2042&bill_id=BILL-1&status=paid&error=0&amount=1.00"
        + "&phone=tel%3A%2B79031811737&payment_date=2017-03-01T19%3A00%3A00&currency=RUB&comment=test&version=1");
    expect("signed string", signedString(paid), "1.00|BILL-1|RUB|0|tel:+79031811737|2042|paid");
    expect("signature", signature(secretKey, paid), "7qCKHTlO8PNq95kzBC6wsDM0NVWOoanYdzehrvP8uRI=");
    Map<String, String> rejected = decode("prv_id=2042&bill_id=order-1842&status=rejected&error=0&amount=1499.00"
        + "&email=buyer%40example.com&user_id=u-77&currency=RUB&comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7&version=1"
        + "&extra_note=x");
    expect("signature", signature(secretKey, rejected), "RDuGSlJ+vjZRMskKT8QYrOcCg7S8MGV89mhWbf2rLSs=");
    expect("form round trip", decode(encode(rejected)).toString(), rejected.toString());
    expect("amount", amount(new BigDecimal("149.5")), "149.50");
  }

  private static void expect(String what, String actual, String expected) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException("notification signer self-check: " + what + " is " + actual + ", not " + expected);
    }
  }
}
