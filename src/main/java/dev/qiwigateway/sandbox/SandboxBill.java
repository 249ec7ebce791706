package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.BillStatus;
import dev.qiwigateway.sandbox.protocol.MoscowTime;
import dev.qiwigateway.sandbox.protocol.RefundStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A bill as the sandbox keeps it: what was issued, where it stands, and its refunds. */
final class SandboxBill {

  private final IssueRequest issued;
  private final Instant createdAt;
  /** The v1 payUrl's {@code invoice_uid}: QIWI's own id of the bill, unguessable from the shop's bill id. */
  private final String invoiceUid = UUID.randomUUID().toString();
  private final Map<String, SandboxRefund> refunds = new LinkedHashMap<>();
  private BillStatus status = BillStatus.WAITING;
  private Instant finishedAt;
  private int issueRequests;

  SandboxBill(IssueRequest issued, Instant createdAt) {
    this.issued = issued;
    this.createdAt = createdAt;
  }

  IssueRequest issued() {
    return issued;
  }

  String billId() {
    return issued.billId();
  }

  BigDecimal amount() {
    return issued.amount();
  }

  BillStatus status() {
    return status;
  }

  Instant createdAt() {
    return createdAt;
  }

  String invoiceUid() {
    return invoiceUid;
  }

  boolean isV1() {
    return issued.isV1();
  }

  /** When the status last changed: creation while waiting, the transition once final. */
  Instant statusChangedAt() {
    return finishedAt == null ? createdAt : finishedAt;
  }

  /** When the bill was paid; empty for any other status. */
  Optional<Instant> paymentDate() {
    return status == BillStatus.PAID ? Optional.of(finishedAt) : Optional.empty();
  }

  boolean isOverdue(Instant now) {
    return status == BillStatus.WAITING && !issued.lifetime().isAfter(now);
  }

  /** The one way out of {@code waiting}; false when the bill is already final. */
  boolean finish(BillStatus finalStatus, Instant now) {
    if (status.isFinal() || !finalStatus.isFinal()) {
      return false;
    }
    status = finalStatus;
    finishedAt = now;
    return true;
  }

  void countIssueRequest() {
    issueRequests++;
  }

  Optional<SandboxRefund> refund(String refundId) {
    return Optional.ofNullable(refunds.get(refundId));
  }

  Collection<SandboxRefund> refunds() {
    return refunds.values();
  }

  void addRefund(SandboxRefund refund) {
    refunds.put(refund.refundId(), refund);
  }

  /** What is already promised back to the buyer: every refund that has not failed. */
  BigDecimal committedRefunds() {
    return refunds.values().stream()
        .filter(r -> r.status() != RefundStatus.FAIL)
        .map(SandboxRefund::amount)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  JsonObject toAdminJson() {
    JsonArray refundList = new JsonArray();
    refunds.values().forEach(r -> refundList.add(r.toAdminJson()));
    return new JsonObject()
        .put("billId", issued.billId())
        .put("status", status.wireName())
        .put("amount", issued.amount().toPlainString())
        .put("currency", issued.currency())
        .put("user", issued.user())
        .put("comment", issued.comment())
        .put("lifetime", MoscowTime.format(issued.lifetime()))
        .put("paySource", issued.paySource())
        .put("prvName", issued.prvName())
        .put("createdAt", createdAt.toString())
        .put("finishedAt", finishedAt == null ? null : finishedAt.toString())
        .put("issueRequests", issueRequests)
        .put("refunds", refundList);
  }
}
