package dev.qiwigateway.notification;

import dev.qiwigateway.domain.BillStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each notification of a batch does to the bills it names (gateway-api.md §6), decided in
 * memory from bill rows the batch holds locked. Notifications of one bill are taken in arrival
 * order, each seeing the status the previous one left: of two copies, the first applies and the
 * second is a duplicate.
 */
final class VerdictRules {

  /** The columns of a bill that decide a verdict. */
  record BillSnapshot(String billId, BigDecimal amount, String currency, BillStatus status, boolean issued) {
  }

  /**
   * @param transition whether the arbiter must move the bill to the notification's status
   * @param detail     why a notification was not applied, for the inbox row; null otherwise
   */
  record Decision(QiwiNotification notification, Verdict verdict, boolean transition, String detail) {
  }

  private VerdictRules() {
  }

  static List<Decision> decide(List<QiwiNotification> notifications, Map<String, BillSnapshot> bills) {
    Map<String, BillStatus> current = new HashMap<>();
    bills.forEach((id, bill) -> current.put(id, bill.status()));
    List<Decision> decisions = new ArrayList<>(notifications.size());
    for (QiwiNotification notification : notifications) {
      Decision decision = decide(notification, bills.get(notification.billId()), current.get(notification.billId()));
      if (decision.transition()) {
        current.put(notification.billId(), notification.status());
      }
      decisions.add(decision);
    }
    return decisions;
  }

  private static Decision decide(QiwiNotification notification, BillSnapshot bill, BillStatus status) {
    if (!notification.shopMatches()) {
      return refused(notification, Verdict.MISMATCH, "prv_id " + notification.prvId() + " is not this shop");
    }
    if (bill == null || !bill.issued()) {
      return refused(notification, Verdict.UNKNOWN_BILL,
          bill == null ? "no such bill" : "the bill's issue at QIWI is not confirmed here");
    }
    if (notification.amount().compareTo(bill.amount()) != 0) {
      return refused(notification, Verdict.MISMATCH,
          "amount " + notification.amount().toPlainString() + " differs from the bill's " + bill.amount().toPlainString());
    }
    if (!notification.currency().equals(bill.currency())) {
      return refused(notification, Verdict.MISMATCH,
          "currency " + notification.currency() + " differs from the bill's " + bill.currency());
    }
    if (notification.status() == status) {
      return new Decision(notification, Verdict.DUPLICATE, false, null);
    }
    if (status.isFinal()) {
      return new Decision(notification, Verdict.STALE, false, "the bill is already " + status.wireName());
    }
    return new Decision(notification, Verdict.APPLIED, true, null);
  }

  private static Decision refused(QiwiNotification notification, Verdict verdict, String detail) {
    return new Decision(notification, verdict, false, detail);
  }
}
