package dev.qiwigateway.ops;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.UUID;

/**
 * Installed first on every router: gives each request an id ({@code X-Request-Id}, echoed when the
 * caller's is sane, else a new UUID) and writes exactly one access-log line when the response ends.
 * The line names the route template, never the raw path, query string or headers, so ids, tokens
 * and customer data stay out of it. Counting is left to the Vert.x HTTP metrics.
 */
public final class RequestLogHandler implements Handler<RoutingContext> {

  public static final String HEADER = "X-Request-Id";
  public static final String CONTEXT_KEY = "requestId";
  private static final String QUIET_KEY = "requestLogQuiet";
  public static final String UNMATCHED = "unmatched";
  public static final String UNKNOWN_ROUTE = "unknown";

  private static final Logger log = LoggerFactory.getLogger(RequestLogHandler.class);
  private static final int MAX_ID_LENGTH = 128;

  private final Level level;

  /** Access lines at INFO, for the payment API. */
  public RequestLogHandler() {
    this(Level.INFO);
  }

  /** Access lines at {@code level}, e.g. DEBUG for probes and scrapes that would drown the log. */
  public RequestLogHandler(Level level) {
    this.level = level;
  }

  /**
   * Writes this request's access line at DEBUG if it completes: for routes whose every success is
   * recorded elsewhere (an accepted QIWI notification is an inbox row), where an INFO line per request
   * would cost more than the request's own work at ingest rates. Failures keep their WARN.
   */
  public static void quiet(RoutingContext ctx) {
    ctx.put(QUIET_KEY, Boolean.TRUE);
  }

  /** The id of the request being handled, or null when this handler is not installed on its router. */
  public static String requestId(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (requestId(ctx) != null) {
      // A reroute passes through again: the request already has its id and its log line.
      ctx.next();
      return;
    }
    String requestId = acceptedOrNew(ctx.request().getHeader(HEADER));
    long startedNanos = System.nanoTime();
    ctx.put(CONTEXT_KEY, requestId);
    ctx.response().putHeader(HEADER, requestId);
    ctx.addEndHandler(ended -> {
      if (ended.failed() && !ctx.response().ended() && !ctx.response().closed()) {
        logOnceAnswered(ctx, requestId, startedNanos);
      } else {
        logCompletion(ctx, requestId, startedNanos, ended.succeeded());
      }
    });
    ctx.next();
  }

  /**
   * The request failed but its answer can still be sent: Vert.x reports a form the decoder refuses (a
   * field over 8 KiB, more than 256 fields) or a broken chunk to the response before any handler has
   * answered. The line waits for that answer, so it shows the status the client got.
   */
  private void logOnceAnswered(RoutingContext ctx, String requestId, long startedNanos) {
    boolean[] logged = new boolean[1];
    ctx.addBodyEndHandler(answered -> {
      if (!logged[0]) {
        logged[0] = true;
        logCompletion(ctx, requestId, startedNanos, true);
      }
    });
    // The routing context is done with the response's close handler once its end handlers have run.
    ctx.response().closeHandler(closed -> {
      if (!logged[0]) {
        logged[0] = true;
        logCompletion(ctx, requestId, startedNanos, false);
      }
    });
  }

  private void logCompletion(RoutingContext ctx, String requestId, long startedNanos, boolean completed) {
    Level lineLevel = !completed ? Level.WARN : ctx.get(QUIET_KEY) != null ? Level.DEBUG : level;
    if (!log.isEnabledForLevel(lineLevel)) {
      return;
    }
    log.atLevel(lineLevel)
        .addKeyValue("requestId", requestId)
        .addKeyValue("method", ctx.request().method().name())
        .addKeyValue("route", routeTemplate(ctx))
        .addKeyValue("status", ctx.response().getStatusCode())
        .addKeyValue("durationMs", elapsedMillis(startedNanos))
        .log(completed ? "request completed" : "request aborted before the response was sent");
  }

  /** True for 1–128 printable ASCII characters without spaces: safe to echo and to log. */
  static boolean isSane(String requestId) {
    if (requestId == null || requestId.isEmpty() || requestId.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < requestId.length(); i++) {
      char c = requestId.charAt(i);
      if (c < '!' || c > '~') {
        return false;
      }
    }
    return true;
  }

  private static String acceptedOrNew(String offered) {
    return isSane(offered) ? offered : UUID.randomUUID().toString();
  }

  /**
   * The path template of the route that produced the response (e.g. {@code /v1/bills/:billId}),
   * {@code /v1/*} for a prefix route, {@code unmatched} when no route with a path answered, or
   * {@code unknown} when an exception was answered by a handler without a path. Vert.x forgets the
   * failing route when failure routing starts, so attach the error mapper to the endpoint routes
   * ({@code route.failureHandler(...)}) for their template to show on failures too. Behind a
   * sub-router this is the mount route, as the log handler sits on the outer router.
   */
  static String routeTemplate(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    String path = route == null ? null : route.isRegexPath() ? route.getName() : route.getPath();
    if (path == null) {
      return ctx.failure() != null ? UNKNOWN_ROUTE : UNMATCHED;
    }
    if (route.isRegexPath()) {
      return path;
    }
    String template = route.isExactPath() ? path : path + "*";
    String mountPoint = ctx.mountPoint();
    return mountPoint == null ? template : stripTrailingSlash(mountPoint) + template;
  }

  private static String stripTrailingSlash(String mountPoint) {
    return mountPoint.endsWith("/") ? mountPoint.substring(0, mountPoint.length() - 1) : mountPoint;
  }

  private static double elapsedMillis(long startedNanos) {
    return Math.round((System.nanoTime() - startedNanos) / 100_000.0) / 10.0;
  }
}
