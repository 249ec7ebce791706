package dev.qiwigateway.bill;

import dev.qiwigateway.domain.Money;
import dev.qiwigateway.http.JsonBody.FieldErrors;
import dev.qiwigateway.qiwi.QiwiIds;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated request to issue a bill (POST /v1/bills). {@code billId} is null when the caller left the
 * choice to the gateway; the idempotency layer then fixes a generated one for every retry.
 */
public record NewBill(
    String billId,
    BigDecimal amount,
    String currency,
    String customer,
    String comment,
    Instant expiresAt,
    String paySource,
    String providerName,
    String successUrl,
    String failUrl) {

  /** The contract's wallet format: {@code tel:+} and 7–15 digits (stricter than QIWI's 1–15). */
  private static final Pattern CUSTOMER = Pattern.compile("tel:\\+[0-9]{7,15}");
  private static final int URL_MAX = 2048;
  /** OffsetDateTime.parse alone also takes a time without seconds, which RFC 3339 does not. */
  private static final Pattern RFC_3339 =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})");

  /** Validates every field; throws 400 validation_failed naming each invalid one. */
  public static NewBill from(JsonObject body, List<String> currencies, Duration lifetimeDefault, Duration lifetimeMax,
      Instant now) {
    FieldErrors errors = new FieldErrors();
    String billId = errors.string(body, "billId", false);
    if (billId != null && !QiwiIds.isBillId(billId)) {
      errors.add("billId", "must match [A-Za-z0-9._-]{1,30} and not be dots alone");
    }
    String currency = errors.string(body, "currency", true);
    if (currency != null && !currencies.contains(currency)) {
      errors.add("currency", "must be one of " + String.join(", ", currencies));
      currency = null;
    }
    BigDecimal amount = Money.parse(errors.string(body, "amount", true), currency, reason -> errors.add("amount", reason));
    String customer = errors.string(body, "customer", true);
    if (customer != null && !CUSTOMER.matcher(customer).matches()) {
      errors.add("customer", "must be a QIWI wallet phone: 'tel:+' and 7 to 15 digits");
    }
    String comment = errors.string(body, "comment", true);
    if (comment != null && (comment.isEmpty() || codePoints(comment) > QiwiIds.COMMENT_MAX)) {
      errors.add("comment", "must be 1 to 255 characters");
    }
    Instant expiresAt = expiresAt(errors.string(body, "expiresAt", false), now, lifetimeDefault, lifetimeMax, errors);
    String paySource = errors.string(body, "paySource", false);
    if (paySource != null && !paySource.equals("qw") && !paySource.equals("mobile")) {
      errors.add("paySource", "must be qw or mobile");
    }
    String providerName = errors.string(body, "providerName", false);
    if (providerName != null && (providerName.isEmpty() || codePoints(providerName) > QiwiIds.PROVIDER_NAME_MAX)) {
      errors.add("providerName", "must be 1 to 100 characters");
    }
    String successUrl = url(errors.string(body, "successUrl", false), "successUrl", errors);
    String failUrl = url(errors.string(body, "failUrl", false), "failUrl", errors);
    errors.throwIfAny();
    return new NewBill(billId, amount, currency, customer, comment, expiresAt, paySource, providerName, successUrl,
        failUrl);
  }

  /** The request as the idempotency record keeps it: ids and expiry resolved, so a resume repeats it exactly. */
  public JsonObject toStored() {
    return new JsonObject()
        .put("billId", billId)
        .put("amount", amount.toPlainString())
        .put("currency", currency)
        .put("customer", customer)
        .put("comment", comment)
        .put("expiresAt", expiresAt.toString())
        .put("paySource", paySource)
        .put("providerName", providerName)
        .put("successUrl", successUrl)
        .put("failUrl", failUrl);
  }

  public static NewBill fromStored(JsonObject stored) {
    return new NewBill(stored.getString("billId"), new BigDecimal(stored.getString("amount")),
        stored.getString("currency"), stored.getString("customer"), stored.getString("comment"),
        Instant.parse(stored.getString("expiresAt")), stored.getString("paySource"), stored.getString("providerName"),
        stored.getString("successUrl"), stored.getString("failUrl"));
  }

  public NewBill withBillId(String id) {
    return new NewBill(id, amount, currency, customer, comment, expiresAt, paySource, providerName, successUrl, failUrl);
  }

  /** The checkout redirect to QIWI's payment form for this bill (docs/qiwi.md#payment-form). */
  String payUrl(String payUrlRoot, String prvId) {
    StringBuilder url = new StringBuilder(payUrlRoot)
        .append(payUrlRoot.contains("?") ? '&' : '?')
        .append("shop=").append(urlEncoded(prvId))
        .append("&transaction=").append(urlEncoded(billId));
    appendParameter(url, "successUrl", successUrl);
    appendParameter(url, "failUrl", failUrl);
    appendParameter(url, "pay_source", paySource);
    return url.toString();
  }

  private static void appendParameter(StringBuilder url, String name, String value) {
    if (value != null) {
      url.append('&').append(name).append('=').append(urlEncoded(value));
    }
  }

  private static String urlEncoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Counted strings count characters as QIWI and PostgreSQL's char_length do: code points, not UTF-16 units. */
  private static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }

  /** QIWI's lifetime has whole seconds; the stored expiry is exactly what QIWI was told. */
  private static Instant expiresAt(String text, Instant now, Duration lifetimeDefault, Duration lifetimeMax,
      FieldErrors errors) {
    if (text == null) {
      return now.plus(lifetimeDefault).truncatedTo(ChronoUnit.SECONDS);
    }
    Instant expiresAt;
    if (!RFC_3339.matcher(text).matches()) {
      errors.add("expiresAt", "must be an RFC 3339 timestamp such as 2026-11-30T12:00:00Z");
      return null;
    }
    try {
      expiresAt = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      errors.add("expiresAt", "must be an RFC 3339 timestamp such as 2026-11-30T12:00:00Z");
      return null;
    }
    if (!expiresAt.isAfter(now)) {
      errors.add("expiresAt", "must be in the future");
    } else if (expiresAt.isAfter(now.plus(lifetimeMax))) {
      errors.add("expiresAt", "must be at most " + lifetimeMax.toDays() + " days ahead");
    }
    return expiresAt;
  }

  private static String url(String text, String field, FieldErrors errors) {
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text);
      boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (http && uri.getHost() != null && text.length() <= URL_MAX) {
        return text;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    errors.add(field, "must be an absolute http(s) URL of at most " + URL_MAX + " characters");
    return null;
  }
}
