package dev.qiwigateway;

import dev.qiwigateway.config.HttpServerSettings;
import dev.qiwigateway.http.MerchantAuthHandler;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.http.UnreadableRequests;
import dev.qiwigateway.notification.NotificationRoutes;
import dev.qiwigateway.ops.ConnectionGuard;
import dev.qiwigateway.ops.RequestLogHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/**
 * The public HTTP server: the merchant API under /v1 and, beside it, QIWI's notification endpoint.
 * One instance per event loop; they share the listening port.
 */
public final class ApiVerticle extends VerticleBase {

  public static final int BODY_LIMIT_BYTES = 64 * 1024;

  private final GatewayServices services;
  private final ConnectionGuard.Limit connections;
  private HttpServer server;
  private NotificationRoutes notifications;

  /** @param connections the replica's connection limit, shared by all its API verticles */
  public ApiVerticle(GatewayServices services, ConnectionGuard.Limit connections) {
    this.services = services;
    this.connections = connections;
  }

  /**
   * One API verticle per core, not per event loop (Vert.x makes two loops per core): nothing on them
   * blocks, so more loops only split the ingest batches (docs/architecture.md#performance-design).
   */
  public static int instancesPerGateway() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  @Override
  public Future<?> start() {
    HttpServerSettings limits = services.config().httpServer();
    ConnectionGuard guard = new ConnectionGuard(vertx, connections, limits.headerTimeout(), limits.idleTimeout());
    Router router = Router.router(vertx);
    router.route().handler(guard);
    router.route().handler(new RequestLogHandler());
    notifications = NotificationRoutes.create(vertx, services.config().qiwi(), services.notificationInbox(),
        services.registry(), services.config().ingest());
    // Before the BodyHandler: the notification route reads its own body (see NotificationRoutes.mount).
    notifications.mount(router);
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    router.route().handler(new MerchantAuthHandler(services.config().merchantTokens()::merchantFor));
    services.billRoutes().mount(router);
    services.eventRoutes().mount(router);
    router.route().last().handler(ctx -> Reply.respond(ctx, Future.failedFuture(Problem.notFound())));
    router.route().failureHandler(Problem::handleFailure);
    router.errorHandler(400, Problem::handleUnroutable);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(services.config().httpHost())
        .setCompressionSupported(false)
        // Cleartext HTTP/2 sniffing holds a connection back from the connection handler until a whole
        // request head has arrived, which would hide exactly the slow clients the guard must see.
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) limits.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    return server.connectionHandler(connection -> {
      UnreadableRequests.refuseUnsupportedVersions(connection);
      guard.admit(connection);
    })
        .invalidRequestHandler(UnreadableRequests::answer)
        .requestHandler(router)
        .listen(services.config().httpPort(), services.config().httpHost());
  }

  /**
   * Stops accepting, then lets in-flight requests finish within the drain timeout; notifications
   * already taken in are written at once and committed before the verticle is gone.
   */
  @Override
  public Future<?> stop() {
    if (notifications != null) {
      notifications.stopBatching();
    }
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(services.config().drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return notifications == null ? drained : drained.eventually(notifications::drain);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
