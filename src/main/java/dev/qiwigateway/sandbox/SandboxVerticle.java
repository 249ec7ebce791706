package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.RefundStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The built-in QIWI sandbox: one HTTP server with the three API dialects, the payment page and the admin
 * API (see {@link AdminApi}). Deploy exactly one instance: all state lives in memory, confined to this
 * verticle's event loop.
 */
public class SandboxVerticle extends VerticleBase {

  private final SandboxSettings settings;
  private HttpServer server;
  private NotificationSender notifications;
  private long sweepTimer = -1;

  public SandboxVerticle(SandboxSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    FaultInjector faults = new FaultInjector();
    SandboxStats stats = new SandboxStats();
    notifications = new NotificationSender(vertx, settings, faults, stats);
    BillLedger ledger = new BillLedger(settings.clock(), notifications::billFinished, this::settleLater);
    Router router = Router.router(vertx);
    new BillApi(vertx, ledger, new ProtocolValidator(settings), faults, stats).mount(router);
    new V1Api(vertx, ledger, settings, faults, stats, this::baseUrl).mount(router);
    new WebForms(ledger, settings).mount(router);
    new PaymentPage(settings.credentials().prvId(), ledger).mount(router);
    new AdminApi(ledger, faults, stats, notifications).mount(router);
    sweepTimer = vertx.setPeriodic(settings.expirySweepInterval().toMillis(), id -> ledger.expireOverdue());
    return vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    notifications.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Sends later notifications to {@code notifyUrl}; safe to call from any thread once started. */
  public void sendNotificationsTo(String notifyUrl) {
    requireStarted();
    context.runOnContext(v -> notifications.redirectTo(notifyUrl));
  }

  /** The bound port (useful with port 0); valid once started. */
  public int actualPort() {
    requireStarted();
    return server.actualPort();
  }

  /** http://host:port of the sandbox, the base URL a QIWI client is configured with. */
  public String baseUrl() {
    requireStarted();
    String host = settings.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + server.actualPort();
  }

  /** The payment page, the sandbox's QIWI_PAY_URL. */
  public String payUrl() {
    return baseUrl() + PaymentPage.PATH;
  }

  /** A new refund stays processing for the settle delay, then succeeds unless the admin settled it first. */
  private void settleLater(SandboxRefund refund) {
    vertx.setTimer(settings.refundSettleDelay().toMillis(),
        id -> refund.settle(RefundStatus.SUCCESS, settings.clock().instant()));
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("the sandbox is not started");
    }
  }
}
