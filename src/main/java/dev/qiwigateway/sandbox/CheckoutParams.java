package dev.qiwigateway.sandbox;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The payment form's parameters, as the checkout redirect or the page's own
 * form carries them. Checked as strictly as the rest of the sandbox: a gateway that builds a broken
 * payUrl finds out here.
 */
record CheckoutParams(String shop, String billId, String successUrl, String failUrl) {

  private static final Set<String> PAY_SOURCES = Set.of("qw", "mobile", "card", "wm", "ssk");

  /**
   * @param given a parameter by name, null when absent; an empty one counts as absent
   * @throws IllegalArgumentException with a message for the buyer's error page
   */
  static CheckoutParams parse(Function<String, String> given) {
    // QIWI's own pull-v2 SDK sends the optional parameters it has no value for as empty ones.
    Function<String, String> param = name -> {
      String value = given.apply(name);
      return value == null || value.isEmpty() ? null : value;
    };
    String shop = param.apply("shop");
    String billId = param.apply("transaction");
    if (shop == null || billId == null) {
      throw new IllegalArgumentException("The link must name the shop and the transaction (bill id).");
    }
    requireOneOf(param.apply("iframe"), Set.of("true", "false"), "iframe");
    requireOneOf(param.apply("target"), Set.of("iframe"), "target");
    requireOneOf(param.apply("pay_source"), PAY_SOURCES, "pay_source");
    return new CheckoutParams(shop, billId, returnUrl(param.apply("successUrl"), "successUrl"),
        returnUrl(param.apply("failUrl"), "failUrl"));
  }

  static CheckoutParams parse(Map<String, String> fields) {
    return parse(fields::get);
  }

  /** Where the buyer goes back to, with {@code order={bill_id}} appended as QIWI does; null when not given. */
  String returnTo(boolean paid) {
    String url = paid ? successUrl : failUrl;
    if (url == null) {
      return null;
    }
    int fragment = url.indexOf('#');
    String base = fragment < 0 ? url : url.substring(0, fragment);
    String tail = fragment < 0 ? "" : url.substring(fragment);
    String separator = base.contains("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
    return base + separator + "order=" + URLEncoder.encode(billId, StandardCharsets.UTF_8) + tail;
  }

  private static void requireOneOf(String value, Set<String> allowed, String name) {
    if (value != null && !allowed.contains(value)) {
      throw new IllegalArgumentException("Parameter " + name + " must be one of " + allowed + ".");
    }
  }

  private static String returnUrl(String url, String name) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (web && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException malformed) {
      // falls through to the same refusal as any other non-web address
    }
    throw new IllegalArgumentException("Parameter " + name + " must be an absolute http(s) address.");
  }
}
