package dev.qiwigateway.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers' {@code invalidRequestHandler}: a request line or headers that do not parse never reach
 * a router, and Vert.x's own answer is an empty status. Answered here as problem+json instead, with
 * one WARN line naming the kind of mistake (never the bytes), and the connection closed: after a
 * framing error the rest of its stream cannot be trusted.
 */
public final class UnreadableRequests {

  private static final Logger LOG = LoggerFactory.getLogger(UnreadableRequests.class);

  private UnreadableRequests() {
  }

  public static void answer(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    Problem problem = problemFor(cause);
    LOG.atWarn().addKeyValue("status", problem.status())
        .addKeyValue("cause", cause == null ? "unknown" : cause.getClass().getName())
        .log("request refused: request line or headers unreadable");
    request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problems.PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(problem.toJson().toBuffer())
        .onComplete(written -> request.connection().close());
  }

  static Problem problemFor(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problem.of(414, "uri_too_long", "URI too long", "The request line exceeds 4096 bytes.");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problem.of(431, "headers_too_large", "Request headers too large", "The request headers exceed 8 KiB.");
    }
    return Problems.malformedRequest();
  }
}
