package dev.qiwigateway.bill;

import dev.qiwigateway.domain.Money;
import dev.qiwigateway.domain.RefundStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;

/** A refund as stored, and its resource form (docs/api.md#bills). */
public record Refund(
    String billId,
    String refundId,
    String merchantId,
    BigDecimal amount,
    String currency,
    String requestState,
    RefundStatus status,
    String createdByKey,
    Instant createdAt,
    Instant updatedAt) {

  static final String COLUMNS =
      "bill_id, refund_id, merchant_id, amount, currency, request_state, status, created_by_key, created_at, updated_at";

  static Refund from(Row row) {
    return new Refund(
        row.getString("bill_id"),
        row.getString("refund_id"),
        row.getString("merchant_id"),
        row.getBigDecimal("amount"),
        row.getString("currency"),
        row.getString("request_state"),
        RefundStatus.fromWire(row.getString("status")).orElseThrow(),
        row.getString("created_by_key"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }

  public boolean accepted() {
    return "accepted".equals(requestState);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("refundId", refundId)
        .put("billId", billId)
        .put("amount", Money.format(amount, currency))
        .put("currency", currency)
        .put("status", status.wireName())
        .put("createdAt", Bill.timestamp(createdAt))
        .put("updatedAt", Bill.timestamp(updatedAt));
  }

  /** The event a refund status is announced by. */
  static String eventType(RefundStatus status) {
    return switch (status) {
      case PROCESSING -> "refund.processing";
      case SUCCESS -> "refund.succeeded";
      case FAIL -> "refund.failed";
    };
  }
}
