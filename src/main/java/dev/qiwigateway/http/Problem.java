package dev.qiwigateway.http;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RFC 9457 problem as the contract spells it (docs/api.md#errors): {@code code} is the stable
 * machine-readable part, {@code detail} is for people. Handlers throw one; {@link #from} reads any
 * other failure as one, and the static writers below are the merchant API's one error mapper: every
 * failure becomes problem+json. Anything that is not a Problem is our fault, logged with its cause and
 * answered as a generic 500 that reveals nothing about internals.
 */
public final class Problem extends RuntimeException {

  public static final String TYPE_ROOT = "https://qiwi-gateway.dev/problems/";
  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problem.class);
  private static final Problem INTERNAL = of(500, "internal_error", "Internal error",
      "The gateway failed to process the request.");

  private final int status;
  private final String code;
  private final String title;
  private final List<FieldError> errors;
  private final JsonObject extensions;
  private final Integer retryAfterSeconds;

  public record FieldError(String field, String message) {
  }

  private Problem(int status, String code, String title, String detail, List<FieldError> errors,
      JsonObject extensions, Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.extensions = extensions;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem(status, code, title, detail, List.of(), new JsonObject(), null);
  }

  public static Problem validation(List<FieldError> errors) {
    return new Problem(400, "validation_failed", "Request validation failed",
        "One or more fields are invalid.", errors, new JsonObject(), null);
  }

  public static Problem unavailable(String detail, int retryAfterSeconds) {
    return new Problem(503, "unavailable", "Service unavailable", detail, List.of(), new JsonObject(), retryAfterSeconds);
  }

  public Problem withRetryAfter(int seconds) {
    return new Problem(status, code, title, getMessage(), errors, extensions, seconds);
  }

  public Problem with(String extension, Object value) {
    return new Problem(status, code, title, getMessage(), errors, extensions.copy().put(extension, value), retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", TYPE_ROOT + code)
        .put("title", title)
        .put("status", status)
        .put("code", code)
        .put("detail", getMessage());
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      errors.forEach(e -> list.add(new JsonObject().put("field", e.field()).put("message", e.message())));
      json.put("errors", list);
    }
    extensions.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  public static void handleFailure(RoutingContext ctx) {
    if (bodyStreamBroke(ctx)) {
      // The client's bytes, not our code: an invalid chunk size, a form the decoder refuses.
      LOG.atWarn().addKeyValue("route", routeOf(ctx)).addKeyValue("cause", ctx.failure().getClass().getName())
          .log("request body unreadable");
      send(ctx, malformedRequest());
      return;
    }
    Problem problem = toProblem(ctx);
    if (problem.status() >= 500 && !(ctx.failure() instanceof Problem)) {
      LOG.atError().setCause(ctx.failure()).addKeyValue("route", routeOf(ctx)).log("request failed unexpectedly");
    }
    send(ctx, problem);
  }

  /**
   * For {@code router.errorHandler(400, ...)}: Vert.x could not match the request to routes, e.g. a
   * path with an invalid percent-escape ({@code %zz}). The client's mistake, answered without a log line.
   */
  public static void handleUnroutable(RoutingContext ctx) {
    send(ctx, malformedRequest());
  }

  /**
   * Failed while the body was still being read, with no status of its own: the request stream broke
   * on what the client sent (the body handler reports such failures, other than its own 400 and 413, as
   * status 200). Our handlers run only once the body is in, so this is never our bug.
   */
  private static boolean bodyStreamBroke(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    return failure != null && !(failure instanceof Problem) && !ctx.request().isEnded()
        && (ctx.statusCode() == 200 || ctx.statusCode() == -1);
  }

  public static Problem malformedRequest() {
    return of(400, "malformed_request", "Malformed request", "The request could not be read.");
  }

  /** A failed answer of a route (see {@link Reply#respond}): its problem as {@link #from} reads it, bugs logged. */
  static void sendFailure(RoutingContext ctx, Throwable failure) {
    Problem problem = from(failure);
    if (problem == INTERNAL) {
      LOG.atError().setCause(failure).addKeyValue("route", routeOf(ctx)).log("request failed unexpectedly");
    }
    send(ctx, problem);
  }

  /** Writes {@code problem} as the answer; the low-level writer under {@link Reply#respond} and the router. */
  public static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON);
    if (problem.retryAfterSeconds() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
    }
    response.end(problem.toJson().toBuffer());
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Problem problem) {
      return problem;
    }
    return switch (ctx.statusCode()) {
      case 413 -> of(413, "payload_too_large", "Payload too large", "The request body exceeds 64 KiB.");
      case 415 -> of(415, "unsupported_media_type", "Unsupported media type",
          "The request body must be application/json.");
      case 400 -> malformedRequest();
      case 404 -> notFound();
      case 405 -> of(405, "method_not_allowed", "Method not allowed", "This resource does not support the method.");
      default -> INTERNAL;
    };
  }

  /**
   * What a failure reads as to the caller; never throws. A database that cannot be reached is 503
   * (nothing changed, retry); anything else that is not a {@link Problem} is our bug: 500.
   */
  public static Problem from(Throwable failure) {
    if (failure instanceof Problem problem) {
      return problem;
    }
    if (isDatabaseFailure(failure)) {
      return unavailable("The gateway's database is unreachable; nothing was changed.", 2);
    }
    return INTERNAL;
  }

  /** Connection-level failures of the pool; a constraint violation or bad SQL is a bug, not an outage. */
  public static boolean isDatabaseFailure(Throwable failure) {
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState();
      return state != null && (state.startsWith("08") || state.startsWith("57") || state.startsWith("53"));
    }
    return failure instanceof VertxException || failure instanceof java.io.IOException
        || failure instanceof java.util.concurrent.TimeoutException;
  }

  public static Problem notFound() {
    return of(404, "not_found", "Not found", "No such resource.");
  }

  private static String routeOf(RoutingContext ctx) {
    return ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "unmatched" : ctx.currentRoute().getPath();
  }
}
