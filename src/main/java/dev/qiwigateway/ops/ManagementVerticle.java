package dev.qiwigateway.ops;

import dev.qiwigateway.config.HttpServerSettings;
import dev.qiwigateway.http.UnreadableRequests;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.event.Level;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The management port: liveness, readiness and Prometheus metrics, kept off the public port.
 * Further routes (e.g. the OpenAPI document) join through {@link #withRoutes} before deployment, and
 * the limits against slow and surplus clients through {@link #withConnectionLimits}.
 */
public final class ManagementVerticle extends VerticleBase {

  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized("application/problem+json");
  /** The Prometheus text exposition format, version 0.0.4, which every Prometheus server reads. */
  static final String PROMETHEUS_TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private static final CharSequence PROMETHEUS_TEXT = HttpHeaders.createOptimized(PROMETHEUS_TEXT_FORMAT);
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final String LIVE_BODY = new JsonObject().put("status", "UP").encode();

  private final String host;
  private final int port;
  private final ServiceReadiness readiness;
  private final PrometheusMeterRegistry registry;
  private Consumer<Router> extraRoutes = router -> { };
  private HttpServerSettings limits;
  private ConnectionGuard guard;
  private HttpServer server;

  /** @param port the port to listen on; 0 takes any free port, see {@link #actualPort()} */
  public ManagementVerticle(String host, int port, ServiceReadiness readiness, PrometheusMeterRegistry registry) {
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Adds routes to the management router; call before deploying. */
  public ManagementVerticle withRoutes(Consumer<Router> routes) {
    extraRoutes = extraRoutes.andThen(routes);
    return this;
  }

  /**
   * Guards the port as the public one is guarded: the same header and idle timeouts, and at most
   * MANAGEMENT_MAX_CONNECTIONS connections. Call before deploying.
   */
  public ManagementVerticle withConnectionLimits(HttpServerSettings settings) {
    limits = Objects.requireNonNull(settings, "settings");
    return this;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
    if (limits != null) {
      guard = new ConnectionGuard(vertx, ConnectionGuard.Limit.management(limits.managementMaxConnections(), registry),
          limits.headerTimeout(), limits.idleTimeout());
      router.route().handler(guard);
      // As on the public port: cleartext HTTP/2 sniffing would hide a slow client from the guard.
      options.setHttp2ClearTextEnabled(false)
          .setIdleTimeout((int) limits.idleTimeout().toMillis())
          .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    // Probes and scrapes arrive every few seconds: their access lines would drown the payment traffic.
    router.route().handler(new RequestLogHandler(Level.DEBUG));
    mount(router);
    extraRoutes.accept(router);
    router.errorHandler(404, ctx -> problem(ctx, 404, "not_found", "Not Found", "No such management endpoint"));
    router.errorHandler(405, ctx -> problem(ctx, 405, "method_not_allowed", "Method Not Allowed",
        "The management endpoints answer GET"));
    router.errorHandler(400, ctx -> problem(ctx, 400, "malformed_request", "Malformed request",
        "The request could not be read."));
    return vertx.createHttpServer(options)
        .connectionHandler(this::admit)
        .invalidRequestHandler(UnreadableRequests::answer)
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /** Puts the health and metrics routes on {@code router}. */
  public void mount(Router router) {
    router.get(LIVE_PATH).handler(this::live);
    router.get(READY_PATH).handler(this::ready);
    router.get(METRICS_PATH).handler(this::metrics);
  }

  /** The bound port once started (the chosen one when constructed with 0), or -1 before. */
  public int actualPort() {
    HttpServer listening = server;
    return listening == null ? -1 : listening.actualPort();
  }

  private void admit(HttpConnection connection) {
    UnreadableRequests.refuseUnsupportedVersions(connection);
    if (guard != null) {
      guard.admit(connection);
    }
  }

  private void live(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .end(LIVE_BODY);
  }

  private void ready(RoutingContext ctx) {
    readiness.check(ctx.vertx())
        .onSuccess(report -> ctx.response()
            .setStatusCode(report.ready() ? 200 : 503)
            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
            .end(report.toJson().encode()))
        .onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .end(registry.scrape(PROMETHEUS_TEXT_FORMAT));
  }

  private static void problem(RoutingContext ctx, int status, String code, String title, String detail) {
    JsonObject body = new JsonObject()
        .put("type", "https://qiwi-gateway.dev/problems/" + code)
        .put("title", title)
        .put("status", status)
        .put("code", code)
        .put("detail", detail);
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .end(body.encode());
  }
}
