package dev.qiwigateway.notification;

/**
 * The answers of the notification endpoint (gateway-api.md §6, qiwi-protocol.md §4): an HTTP status
 * and the protocol's result code. Anything but {@link #ACCEPTED} makes QIWI deliver again later.
 */
public enum NotificationAnswer {
  ACCEPTED(200, 0, "accepted"),
  MALFORMED(400, 5, "malformed"),
  MISMATCH(400, 5, "mismatch"),
  BAD_SIGNATURE(401, 151, "signature"),
  BAD_CREDENTIALS(401, 150, "credentials"),
  /**
   * A source outside QIWI_NOTIFY_ALLOW_IPS. 403 rather than 401: presenting other credentials
   * cannot help, the request is refused for where it comes from. The body keeps the protocol's shape
   * with 150, the protocol's authorization error.
   */
  SOURCE_NOT_ALLOWED(403, 150, "source"),
  UNKNOWN_BILL(503, 13, "unknown_bill"),
  UNAVAILABLE(503, 13, "unavailable");

  private final int httpStatus;
  private final int resultCode;
  private final String reason;

  NotificationAnswer(int httpStatus, int resultCode, String reason) {
    this.httpStatus = httpStatus;
    this.resultCode = resultCode;
    this.reason = reason;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int resultCode() {
    return resultCode;
  }

  /** The metrics label of a refusal. */
  public String reason() {
    return reason;
  }
}
