package dev.qiwigateway.sandbox;

import static dev.qiwigateway.sandbox.FormParameters.comment;
import static dev.qiwigateway.sandbox.FormParameters.lifetime;
import static dev.qiwigateway.sandbox.FormParameters.phone;
import static dev.qiwigateway.sandbox.FormParameters.present;

import dev.qiwigateway.sandbox.FormParameters.Refused;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.FieldRules;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * QIWI's web forms that issue the bill themselves, with no server-side PUT: the checkout sends the buyer to a
 * link, the form issues the bill and shows the payment page. Three generations:
 * <ul>
 *   <li>{@code /form/create?public_key&bill_id&amount&sign} (rest-v3): {@code sign} is the lower-case hex
 *       HMAC-SHA256, keyed with the API password, of the values of {@code amount, bill_id, [lifetime],
 *       public_key} joined with '|' in that (alphabetical) order; without {@code sign} only the public key
 *       identifies the shop;</li>
 *   <li>{@code /create?publicKey&billId&amount} (v1, QIWI's SDKs' {@code createPaymentForm}): a v1 bill, shown
 *       at its {@code /form/?invoice_uid=} page;</li>
 *   <li>{@code /order/external/create.action?from&txn_id&summ&currency} (pull-v2; QIWI's pull-v2 SDK names
 *       the shop {@code shop} and the bill {@code transaction}): without {@code summ} the buyer types the
 *       amount on the form, as on QIWI's.</li>
 * </ul>
 * A link whose signature does not match is refused (403); a bill id that already names a bill with another
 * amount, currency or wallet is refused (409), which is how an unsigned link with a tampered amount fails
 * once the genuine one has been opened.
 */
final class WebForms {

  static final String REST_V3_PATH = "/form/create";
  static final String V1_PATH = "/create";
  static final String PULL_V2_PATH = "/order/external/create.action";

  private static final String CURRENCY = "RUB";

  private final BillLedger ledger;
  private final SandboxSettings settings;

  WebForms(BillLedger ledger, SandboxSettings settings) {
    this.ledger = ledger;
    this.settings = settings;
  }

  void mount(Router router) {
    router.get(REST_V3_PATH).handler(ctx -> answer(ctx, this::restV3));
    router.get(V1_PATH).handler(ctx -> answer(ctx, this::v1));
    router.get(PULL_V2_PATH).handler(ctx -> answer(ctx, this::pullV2));
  }

  private interface Form {
    /** The address of the payment page to send the buyer to, or null when a page was already written. */
    String issue(RoutingContext ctx, MultiMap query);
  }

  private void answer(RoutingContext ctx, Form form) {
    String paymentPage;
    try {
      paymentPage = form.issue(ctx, ctx.queryParams());
    } catch (Refused refused) {
      html(ctx, refused.status, PaymentPageHtml.error("Bill not issued", refused.getMessage()));
      return;
    }
    if (paymentPage != null) {
      ctx.response().setStatusCode(303).putHeader("Location", paymentPage).end();
    }
  }

  private String restV3(RoutingContext ctx, MultiMap query) {
    requirePublicKey(query.get("public_key"));
    String sign = present(query, "sign");
    if (sign != null) {
      Map<String, String> signed = new TreeMap<>();
      for (String name : List.of("amount", "bill_id", "lifetime", "public_key")) {
        if (present(query, name) != null) {
          signed.put(name, query.get(name));
        }
      }
      if (!signed.containsKey("amount") || !signed.containsKey("bill_id")) {
        throw new Refused(400, "A signed link must carry bill_id and amount.");
      }
      if (!MessageDigest.isEqual(formSignature(signed).getBytes(StandardCharsets.UTF_8),
          sign.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))) {
        throw new Refused(403, "The link's signature does not match its parameters.");
      }
    }
    String billId = orGenerated(present(query, "bill_id"));
    IssueRequest request = new IssueRequest(billId, phone(present(query, "phone")), amount(present(query, "amount")),
        CURRENCY, comment(query, "comment", "comm"), lifetime(present(query, "lifetime"), settings),
        FieldRules.DEFAULT_PAY_SOURCE, null);
    issue(request);
    return classicPage(billId, present(query, "success_url"), present(query, "fail_url"));
  }

  private String v1(RoutingContext ctx, MultiMap query) {
    requirePublicKey(query.get("publicKey"));
    String billId = present(query, "billId");
    if (billId == null) {
      billId = UUID.randomUUID().toString();
    } else if (!V1Validator.isId(billId)) {
      throw new Refused(400, "billId must be 1 to 200 characters.");
    }
    JsonObject customer = new JsonObject();
    for (String name : List.of("phone", "email", "account")) {
      if (present(query, name) != null) {
        customer.put(name, query.get(name));
      }
    }
    JsonObject customFields = new JsonObject();
    query.names().stream().filter(name -> name.startsWith("customFields[") && name.endsWith("]"))
        .forEach(name -> customFields.put(name.substring("customFields[".length(), name.length() - 1), query.get(name)));
    IssueRequest request = new IssueRequest(billId, customer.getString("phone"), amount(present(query, "amount")),
        CURRENCY, comment(query, "comment"), lifetime(present(query, "lifetime"), settings), FieldRules.DEFAULT_PAY_SOURCE,
        null, new IssueRequest.V1Details(customer, customFields));
    SandboxBill bill = issue(request);
    String successUrl = present(query, "successUrl");
    return PaymentPage.V1_PATH + "?invoice_uid=" + bill.invoiceUid()
        + (successUrl == null ? "" : "&successUrl=" + encode(successUrl));
  }

  private String pullV2(RoutingContext ctx, MultiMap query) {
    String shop = present(query, "from") != null ? query.get("from") : present(query, "shop");
    if (!settings.credentials().prvId().equals(shop)) {
      throw new Refused(404, "There is no shop " + shop + ".");
    }
    if (present(query, "summ") == null) {
      html(ctx, 200, PaymentPageHtml.amountEntry(PULL_V2_PATH, query));
      return null;
    }
    String currency = present(query, "currency") == null ? CURRENCY : query.get("currency");
    if (!FieldRules.isCurrency(currency) || !settings.currencies().contains(currency)) {
      throw new Refused(400, "currency must be one of " + settings.currencies() + ".");
    }
    String billId = orGenerated(present(query, "txn_id") != null ? query.get("txn_id") : present(query, "transaction"));
    IssueRequest request = new IssueRequest(billId, phone(present(query, "to")), amount(present(query, "summ")),
        currency, comment(query, "comm"), lifetime(present(query, "lifetime"), settings), FieldRules.DEFAULT_PAY_SOURCE, null);
    issue(request);
    return classicPage(billId, present(query, "successUrl"), present(query, "failUrl"));
  }

  /** The bill, new or the same one again (the buyer reopened the link); refused when the id means another bill. */
  private SandboxBill issue(IssueRequest request) {
    boolean isNew = ledger.find(request.billId()).isEmpty();
    Instant now = settings.clock().instant();
    if (isNew && !(request.lifetime().isAfter(now) && !request.lifetime().isAfter(now.plus(settings.maxLifetime())))) {
      throw new Refused(400, "lifetime must be in the future and at most " + settings.maxLifetime().toDays()
          + " days ahead.");
    }
    LedgerResult result = ledger.issue(request);
    if (!result.succeeded()) {
      throw new Refused(409, "Bill " + request.billId() + " already exists with another amount, currency or wallet.");
    }
    return result.bill();
  }

  private void requirePublicKey(String presented) {
    if (!settings.credentials().isPublicKey(presented)) {
      throw new Refused(403, "The link does not carry this shop's public key.");
    }
  }

  /** Lower-case hex HMAC-SHA256 with the API password, over the values in the order of their names. */
  String formSignature(Map<String, String> signed) {
    StringJoiner text = new StringJoiner("|");
    new TreeMap<>(signed).values().forEach(text::add);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(settings.credentials().apiSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private String classicPage(String billId, String successUrl, String failUrl) {
    StringBuilder page = new StringBuilder(PaymentPage.PATH).append("?shop=")
        .append(encode(settings.credentials().prvId())).append("&transaction=").append(encode(billId));
    if (successUrl != null) {
      page.append("&successUrl=").append(encode(successUrl));
    }
    if (failUrl != null) {
      page.append("&failUrl=").append(encode(failUrl));
    }
    return page.toString();
  }

  private String orGenerated(String billId) {
    if (billId == null) {
      return "form-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }
    if (!FieldRules.isBillId(billId)) {
      throw new Refused(400, "The bill id must be 1 to 30 characters A-Z a-z 0-9 . _ -.");
    }
    return billId;
  }

  private BigDecimal amount(String text) {
    Optional<BigDecimal> amount = Amount.parse(text);
    if (amount.isEmpty() || amount.get().compareTo(settings.minAmount()) < 0
        || amount.get().compareTo(settings.maxAmount()) > 0) {
      throw new Refused(400, "The amount must be a number from " + settings.minAmount() + " to "
          + settings.maxAmount() + " with at most two decimals.");
    }
    return amount.get();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
  }
}
