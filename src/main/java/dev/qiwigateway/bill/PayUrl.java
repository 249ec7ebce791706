package dev.qiwigateway.bill;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The checkout redirect to QIWI's payment form (docs/qiwi.md#payment-form). */
final class PayUrl {

  private PayUrl() {
  }

  static String of(String payUrlRoot, String prvId, NewBill bill) {
    StringBuilder url = new StringBuilder(payUrlRoot)
        .append(payUrlRoot.contains("?") ? '&' : '?')
        .append("shop=").append(encode(prvId))
        .append("&transaction=").append(encode(bill.billId()));
    append(url, "successUrl", bill.successUrl());
    append(url, "failUrl", bill.failUrl());
    append(url, "pay_source", bill.paySource());
    return url.toString();
  }

  private static void append(StringBuilder url, String name, String value) {
    if (value != null) {
      url.append('&').append(name).append('=').append(encode(value));
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
