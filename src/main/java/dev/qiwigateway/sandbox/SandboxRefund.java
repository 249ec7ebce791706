package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.RefundStatus;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;

/** One refund of a sandbox bill; only its status moves, and only out of {@code processing}. */
final class SandboxRefund {

  private final String refundId;
  private final BigDecimal amount;
  private final Instant createdAt;
  private RefundStatus status = RefundStatus.PROCESSING;
  private Instant settledAt;

  SandboxRefund(String refundId, BigDecimal amount, Instant createdAt) {
    this.refundId = refundId;
    this.amount = amount;
    this.createdAt = createdAt;
  }

  String refundId() {
    return refundId;
  }

  BigDecimal amount() {
    return amount;
  }

  Instant createdAt() {
    return createdAt;
  }

  RefundStatus status() {
    return status;
  }

  /** Moves a processing refund to a final status; false when it was already final. */
  boolean settle(RefundStatus finalStatus, Instant now) {
    if (status.isFinal() || !finalStatus.isFinal()) {
      return false;
    }
    status = finalStatus;
    settledAt = now;
    return true;
  }

  JsonObject toAdminJson() {
    return new JsonObject()
        .put("refundId", refundId)
        .put("amount", amount.toPlainString())
        .put("status", status.wireName())
        .put("createdAt", createdAt.toString())
        .put("settledAt", settledAt == null ? null : settledAt.toString());
  }
}
