package dev.qiwigateway.notification;

import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.EnumMap;
import java.util.Map;

/**
 * The answers of the notification endpoint (docs/api.md#qiwi-notifications, docs/qiwi.md#notifications): an HTTP status
 * and the protocol's result code. Anything but {@link #ACCEPTED} makes QIWI deliver again later. A refusal is
 * answered before the inbox; an admitted notification gets the answer of its recorded {@link Verdict}.
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

  /**
   * Writes an answer in the configured dialect: rest-v3 {@code {"error":N}} as application/json,
   * pull-v2 {@code <result><result_code>N</result_code></result>} as text/xml. Bodies are built once.
   */
  static final class Writer {

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence XML = HttpHeaders.createOptimized("text/xml");
    private static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");
    private static final CharSequence BASIC_CHALLENGE = HttpHeaders.createOptimized("Basic realm=\"qiwi-notifications\"");

    private final CharSequence contentType;
    private final Map<NotificationAnswer, Buffer> bodies = new EnumMap<>(NotificationAnswer.class);

    Writer(QiwiDialect dialect) {
      this.contentType = dialect == QiwiDialect.REST_V3 ? JSON : XML;
      for (NotificationAnswer answer : NotificationAnswer.values()) {
        bodies.put(answer, Buffer.buffer(body(dialect, answer.resultCode())));
      }
    }

    static String body(QiwiDialect dialect, int resultCode) {
      return switch (dialect) {
        case REST_V3 -> "{\"error\":" + resultCode + "}";
        case PULL_V2 -> "<?xml version=\"1.0\"?><result><result_code>" + resultCode + "</result_code></result>";
      };
    }

    void send(HttpServerResponse response, NotificationAnswer answer) {
      if (response.ended() || response.closed()) {
        return;
      }
      if (answer == NotificationAnswer.BAD_CREDENTIALS) {
        response.putHeader(WWW_AUTHENTICATE, BASIC_CHALLENGE);
      }
      response.setStatusCode(answer.httpStatus())
          .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
          .end(bodies.get(answer));
    }
  }

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
}
