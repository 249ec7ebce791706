package dev.qiwigateway.notification;

/** What an authenticated, well-formed notification did, as recorded in notification_inbox (rules: {@link NotificationInbox}). */
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

  /** The verdict a row records. */
  static Verdict fromDb(String dbName) {
    for (Verdict verdict : values()) {
      if (verdict.dbName.equals(dbName)) {
        return verdict;
      }
    }
    throw new IllegalArgumentException("unknown verdict " + dbName);
  }
}
