package dev.qiwigateway.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A whole answer of the merchant API: status, the headers that belong to it (Content-Type, Location,
 * Retry-After; not per-request ones such as X-Request-Id) and the body. Idempotent POSTs store it with
 * their key and replay it byte for byte.
 */
public record Reply(int status, Map<String, String> headers, Buffer body) {

  public static final String JSON = "application/json; charset=utf-8";

  public Reply {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = Objects.requireNonNull(body, "body").copy();
  }

  public static Reply json(int status, JsonObject body) {
    return new Reply(status, Map.of(HttpHeaders.CONTENT_TYPE.toString(), JSON), body.toBuffer());
  }

  /** A problem as a reply, written exactly as {@link Problem#send} writes it. */
  public static Reply problem(Problem problem) {
    Reply reply = new Reply(problem.status(), Map.of(HttpHeaders.CONTENT_TYPE.toString(), Problem.PROBLEM_JSON),
        problem.toJson().toBuffer());
    return problem.retryAfterSeconds() == null ? reply
        : reply.withHeader(HttpHeaders.RETRY_AFTER.toString(), String.valueOf(problem.retryAfterSeconds()));
  }

  public Reply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Reply(status, more, body);
  }

  /**
   * The one way a route answers: the reply when {@code answer} succeeds, else the failure's problem as
   * {@link Problem#from} reads it (a bug is logged and answered 500 without internals).
   */
  public static void respond(RoutingContext ctx, Future<Reply> answer) {
    answer.onSuccess(reply -> reply.writeTo(ctx)).onFailure(failure -> Problem.sendFailure(ctx, failure));
  }

  private void writeTo(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      return;
    }
    response.setStatusCode(status);
    headers.forEach(response::putHeader);
    response.end(body);
  }
}
