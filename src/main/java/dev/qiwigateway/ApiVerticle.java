package dev.qiwigateway;

import dev.qiwigateway.http.MerchantAuthHandler;
import dev.qiwigateway.http.Problems;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.notification.NotificationRoutes;
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
  private HttpServer server;
  private NotificationRoutes notifications;

  public ApiVerticle(GatewayServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestLogHandler());
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    router.route().handler(new MerchantAuthHandler(services.config().merchantTokens()::merchantFor));
    services.billRoutes().mount(router);
    services.eventRoutes().mount(router);
    notifications = NotificationRoutes.create(vertx, services.config().qiwi(), services.notificationInbox(),
        services.registry(), NotificationRoutes.transactionsPerLoop(services.config().database().poolSize(),
            GatewayApp.apiInstances()));
    notifications.mount(router);
    router.route().last().handler(ctx -> Reply.respond(ctx, Future.failedFuture(Problems.notFound())));
    router.route().failureHandler(Problems::handleFailure);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(services.config().httpHost())
        .setCompressionSupported(false)
        .setIdleTimeout(75)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return server.requestHandler(router).listen(services.config().httpPort(), services.config().httpHost());
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
