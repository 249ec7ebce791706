package dev.qiwigateway.sandbox;

import static dev.qiwigateway.sandbox.protocol.ResultCode.AMOUNT_TOO_LARGE;
import static dev.qiwigateway.sandbox.protocol.ResultCode.BILL_ALREADY_EXISTS;
import static dev.qiwigateway.sandbox.protocol.ResultCode.BILL_NOT_FOUND;
import static dev.qiwigateway.sandbox.protocol.ResultCode.BILL_PAID_OR_BEING_PAID;
import static dev.qiwigateway.sandbox.protocol.ResultCode.OPERATION_FORBIDDEN;

import dev.qiwigateway.sandbox.protocol.BillStatus;
import dev.qiwigateway.sandbox.protocol.RefundStatus;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bill and refund state machines. Confined to the sandbox's event
 * loop, so it needs no locks. Every bill that leaves {@code waiting} is handed to {@code onFinal}
 * exactly once, which is where notifications start; every new refund goes to {@code onNewRefund},
 * which is where its settling is scheduled.
 */
final class BillLedger {

  private final Clock clock;
  private final Consumer<SandboxBill> onFinal;
  private final Consumer<SandboxRefund> onNewRefund;
  private final Map<String, SandboxBill> bills = new LinkedHashMap<>();
  private final Map<String, SandboxBill> byInvoiceUid = new HashMap<>();

  BillLedger(Clock clock, Consumer<SandboxBill> onFinal, Consumer<SandboxRefund> onNewRefund) {
    this.clock = clock;
    this.onFinal = onFinal;
    this.onNewRefund = onNewRefund;
  }

  /** A bill by id, expired first if its lifetime has passed (QIWI checks lazily as well as on schedule). */
  Optional<SandboxBill> find(String billId) {
    SandboxBill bill = bills.get(billId);
    if (bill != null && bill.isOverdue(clock.instant())) {
      finish(bill, BillStatus.EXPIRED);
    }
    return Optional.ofNullable(bill);
  }

  /** A repeat (see {@link IssueRequest#isRepeatedBy}): the same bill again (0). Otherwise 215; the bill stays as it is. */
  LedgerResult issue(IssueRequest request) {
    Optional<SandboxBill> existing = find(request.billId());
    if (existing.isPresent()) {
      SandboxBill bill = existing.get();
      bill.countIssueRequest();
      return bill.issued().isRepeatedBy(request) ? LedgerResult.ofBill(bill) : LedgerResult.refused(BILL_ALREADY_EXISTS);
    }
    SandboxBill bill = new SandboxBill(request, clock.instant());
    bill.countIssueRequest();
    bills.put(request.billId(), bill);
    byInvoiceUid.put(bill.invoiceUid(), bill);
    return LedgerResult.ofBill(bill);
  }

  /** A bill by the {@code invoice_uid} of its v1 payUrl. */
  Optional<SandboxBill> findByInvoiceUid(String invoiceUid) {
    SandboxBill bill = invoiceUid == null ? null : byInvoiceUid.get(invoiceUid);
    return bill == null ? Optional.empty() : find(bill.billId());
  }

  LedgerResult status(String billId) {
    return find(billId).map(LedgerResult::ofBill).orElse(LedgerResult.refused(BILL_NOT_FOUND));
  }

  /** Only a waiting bill may be cancelled; a paid one answers 1419, any other final one 78. */
  LedgerResult cancel(String billId) {
    Optional<SandboxBill> found = find(billId);
    if (found.isEmpty()) {
      return LedgerResult.refused(BILL_NOT_FOUND);
    }
    SandboxBill bill = found.get();
    if (bill.status() == BillStatus.PAID) {
      return LedgerResult.refused(BILL_PAID_OR_BEING_PAID);
    }
    if (!finish(bill, BillStatus.REJECTED)) {
      return LedgerResult.refused(OPERATION_FORBIDDEN);
    }
    return LedgerResult.ofBill(bill);
  }

  /**
   * A refund is the resource {@code refund/{refund_id}}: the same id and amount is the same refund
   * again; the same id with another amount is a conflict; and what is refunded never exceeds the bill.
   */
  LedgerResult refund(String billId, String refundId, BigDecimal amount) {
    Optional<SandboxBill> found = find(billId);
    if (found.isEmpty()) {
      return LedgerResult.refused(BILL_NOT_FOUND);
    }
    SandboxBill bill = found.get();
    if (bill.status() != BillStatus.PAID) {
      return LedgerResult.refused(OPERATION_FORBIDDEN);
    }
    Optional<SandboxRefund> existing = bill.refund(refundId);
    if (existing.isPresent()) {
      return existing.get().amount().compareTo(amount) == 0
          ? LedgerResult.ofRefund(bill, existing.get())
          : LedgerResult.refused(BILL_ALREADY_EXISTS);
    }
    if (bill.committedRefunds().add(amount).compareTo(bill.amount()) > 0) {
      return LedgerResult.refused(AMOUNT_TOO_LARGE);
    }
    SandboxRefund refund = new SandboxRefund(refundId, amount, clock.instant());
    bill.addRefund(refund);
    onNewRefund.accept(refund);
    return LedgerResult.ofRefund(bill, refund);
  }

  LedgerResult refundStatus(String billId, String refundId) {
    Optional<SandboxBill> found = find(billId);
    Optional<SandboxRefund> refund = found.flatMap(bill -> bill.refund(refundId));
    return refund.isPresent()
        ? LedgerResult.ofRefund(found.get(), refund.get())
        : LedgerResult.refused(BILL_NOT_FOUND);
  }

  /** Moves a waiting bill to a final status (payment page, admin, expiry); false when it was already final. */
  boolean finish(SandboxBill bill, BillStatus finalStatus) {
    if (!bill.finish(finalStatus, clock.instant())) {
      return false;
    }
    onFinal.accept(bill);
    return true;
  }

  boolean settle(SandboxRefund refund, RefundStatus finalStatus) {
    return refund.settle(finalStatus, clock.instant());
  }

  /** The periodic sweep: every waiting bill whose lifetime has passed turns expired. */
  int expireOverdue() {
    Instant now = clock.instant();
    List<SandboxBill> overdue = new ArrayList<>();
    bills.values().stream().filter(bill -> bill.isOverdue(now)).forEach(overdue::add);
    overdue.forEach(bill -> finish(bill, BillStatus.EXPIRED));
    return overdue.size();
  }

  Collection<SandboxBill> bills() {
    return bills.values();
  }

  void clear() {
    bills.clear();
    byInvoiceUid.clear();
  }
}
