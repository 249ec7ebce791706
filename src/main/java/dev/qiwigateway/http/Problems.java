package dev.qiwigateway.http;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error mapper of the merchant API: every failure becomes problem+json. Anything that is
 * not a {@link Problem} is our fault, logged with its cause and answered as a generic 500 that
 * reveals nothing about internals.
 */
public final class Problems {

  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final Problem INTERNAL = Problem.of(500, "internal_error", "Internal error",
      "The gateway failed to process the request.");

  private Problems() {
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
    return Problem.of(400, "malformed_request", "Malformed request", "The request could not be read.");
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
      case 413 -> Problem.of(413, "payload_too_large", "Payload too large", "The request body exceeds 64 KiB.");
      case 415 -> Problem.of(415, "unsupported_media_type", "Unsupported media type",
          "The request body must be application/json.");
      case 400 -> malformedRequest();
      case 404 -> notFound();
      case 405 -> Problem.of(405, "method_not_allowed", "Method not allowed", "This resource does not support the method.");
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
      return Problem.unavailable("The gateway's database is unreachable; nothing was changed.", 2);
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
    return Problem.of(404, "not_found", "Not found", "No such resource.");
  }

  private static String routeOf(RoutingContext ctx) {
    return ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "unmatched" : ctx.currentRoute().getPath();
  }
}
