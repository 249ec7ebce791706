package dev.qiwigateway.bill;

import dev.qiwigateway.domain.Money;
import dev.qiwigateway.domain.BillStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** A bill as stored, and its resource form in the merchant API (docs/api.md#bills). */
public record Bill(
    String billId,
    String merchantId,
    BigDecimal amount,
    String currency,
    String customer,
    String comment,
    String paySource,
    String providerName,
    String successUrl,
    String failUrl,
    String payUrl,
    Instant expiresAt,
    String issueState,
    BillStatus status,
    Instant createdAt,
    Instant updatedAt,
    String createdByKey,
    BigDecimal refunded) {

  /** Columns every bill query returns, in {@link #from(Row)}'s order; refunded counts only settled refunds. */
  static final String COLUMNS = "bill_id, merchant_id, amount, currency, customer, comment, pay_source, provider_name, "
      + "success_url, fail_url, pay_url, expires_at, issue_state, status, created_at, updated_at, created_by_key, "
      + "(SELECT coalesce(sum(r.amount), 0) FROM refund r WHERE r.bill_id = bill.bill_id AND r.status = 'success') "
      + "AS refunded";

  static Bill from(Row row) {
    return new Bill(
        row.getString("bill_id"),
        row.getString("merchant_id"),
        row.getBigDecimal("amount"),
        row.getString("currency"),
        row.getString("customer"),
        row.getString("comment"),
        row.getString("pay_source"),
        row.getString("provider_name"),
        row.getString("success_url"),
        row.getString("fail_url"),
        row.getString("pay_url"),
        row.getOffsetDateTime("expires_at").toInstant(),
        row.getString("issue_state"),
        BillStatus.fromWire(row.getString("status")).orElseThrow(),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant(),
        row.getString("created_by_key"),
        row.getBigDecimal("refunded"));
  }

  public boolean issued() {
    return "issued".equals(issueState);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("billId", billId)
        .put("status", status.wireName())
        .put("amount", Money.format(amount, currency))
        .put("currency", currency)
        .put("customer", customer)
        .put("comment", comment)
        .put("expiresAt", timestamp(expiresAt))
        .put("payUrl", payUrl)
        .put("createdAt", timestamp(createdAt))
        .put("updatedAt", timestamp(updatedAt))
        .put("refunded", Money.format(refunded, currency));
    putIfSet(json, "paySource", paySource);
    putIfSet(json, "providerName", providerName);
    putIfSet(json, "successUrl", successUrl);
    putIfSet(json, "failUrl", failUrl);
    return json;
  }

  /** RFC 3339 in UTC with whole seconds, as the contract's examples. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  static Instant instant(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  private static void putIfSet(JsonObject json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }
}
