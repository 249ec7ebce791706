package dev.qiwigateway.notification;

import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes an answer in the configured dialect: rest-v3 {@code {"error":N}} as application/json,
 * pull-v2 {@code <result><result_code>N</result_code></result>} as text/xml. Bodies are built once.
 */
final class AnswerWriter {

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence XML = HttpHeaders.createOptimized("text/xml");
  private static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");
  private static final CharSequence BASIC_CHALLENGE = HttpHeaders.createOptimized("Basic realm=\"qiwi-notifications\"");

  private final CharSequence contentType;
  private final Map<NotificationAnswer, Buffer> bodies = new EnumMap<>(NotificationAnswer.class);

  AnswerWriter(QiwiDialect dialect) {
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
