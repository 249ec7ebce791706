package dev.qiwigateway.notification;

import dev.qiwigateway.domain.BillStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What an authenticated, well-formed notification did, as recorded in notification_inbox. */
public enum Verdict {
  /** Moved a waiting bill to the notified final status, with its event. */
  APPLIED("applied", NotificationAnswer.ACCEPTED),
  /** The bill already has the notified status: a redelivery, or news the poller brought first. */
  DUPLICATE("duplicate", NotificationAnswer.ACCEPTED),
  /** The bill is already final with another status: late, out of order, or a stale waiting. */
  STALE("stale", NotificationAnswer.ACCEPTED),
  /** Amount, currency or shop disagree with the stored bill: never applied. */
  MISMATCH("mismatch", NotificationAnswer.MISMATCH),
  /** No issued bill with that id here (yet): QIWI is asked to resend. */
  UNKNOWN_BILL("unknown_bill", NotificationAnswer.UNKNOWN_BILL);

  private final String dbName;
  private final NotificationAnswer answer;

  Verdict(String dbName, NotificationAnswer answer) {
    this.dbName = dbName;
    this.answer = answer;
  }

  public String dbName() {
    return dbName;
  }

  /** The answer QIWI gets once the verdict is committed. */
  public NotificationAnswer answer() {
    return answer;
  }

  /** The columns of a bill that decide a verdict. */
  record BillSnapshot(String billId, BigDecimal amount, String currency, BillStatus status, boolean issued) {
  }

  /**
   * @param transition whether the arbiter must move the bill to the notification's status
   * @param detail     why a notification was not applied, for the inbox row; null otherwise
   */
  record Decision(QiwiNotification notification, Verdict verdict, boolean transition, String detail) {
  }

  /**
   * What each notification of a batch does to the bills it names, decided in memory from bill rows the
   * batch holds locked. Notifications of one bill are taken in arrival order, each seeing the status the
   * previous one left: of two copies, the first applies and the second is a duplicate.
   */
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
