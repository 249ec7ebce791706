package dev.qiwigateway;

import dev.qiwigateway.bill.BillQueries;
import dev.qiwigateway.bill.BillRoutes;
import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.bill.CancelBill;
import dev.qiwigateway.bill.IssueBill;
import dev.qiwigateway.bill.RefundBill;
import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.idempotency.IdempotencyCompleter;
import dev.qiwigateway.idempotency.IdempotencyReaper;
import dev.qiwigateway.idempotency.IdempotencyStore;
import dev.qiwigateway.idempotency.OperationRunner;
import dev.qiwigateway.resilience.ResilienceSettings;
import dev.qiwigateway.resilience.ResilientCallGuard;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.config.IdempotencySettings;
import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.db.Database;
import dev.qiwigateway.db.EmbeddedDatabase;
import dev.qiwigateway.db.Migrations;
import dev.qiwigateway.db.PostgresUrl;
import dev.qiwigateway.event.EventFeed;
import dev.qiwigateway.event.EventRoutes;
import dev.qiwigateway.notification.NotificationInbox;
import dev.qiwigateway.ops.ConnectionGuard;
import dev.qiwigateway.ops.ManagementVerticle;
import dev.qiwigateway.ops.OpenApiDocument;
import dev.qiwigateway.ops.ServiceReadiness;
import dev.qiwigateway.polling.PollerVerticle;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiClientSettings;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.sandbox.SandboxSettings;
import dev.qiwigateway.sandbox.SandboxVerticle;
import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import dev.qiwigateway.sandbox.protocol.SandboxCredentials;
import dev.qiwigateway.webhook.WebhookDispatcher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.CopyOnWriteArrayList;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;

/**
 * Starts one gateway instance as a single compose chain: database, schema, (dev) sandbox, shared
 * services, management port, then the public port. Nothing here blocks an event loop: the embedded
 * database and Flyway run on worker threads.
 */
public final class GatewayApp {

  static final String SANDBOX_HOST = "127.0.0.1"; // the dev sandbox is reachable from this machine only

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private GatewayConfig config;
  private EmbeddedDatabase embeddedDatabase;
  private SandboxVerticle sandbox;
  private GatewayServices services;
  private String managementDeployment;
  private String maintenanceDeployment;
  private String webhookDeployment;
  private String pollerDeployment;
  private int managementPort;

  private GatewayApp(Vertx vertx, PrometheusMeterRegistry registry, GatewayConfig config) {
    this.vertx = vertx;
    this.registry = registry;
    this.config = config;
  }

  public static Future<RunningGateway> start(Vertx vertx, PrometheusMeterRegistry registry, GatewayConfig config) {
    return new GatewayApp(vertx, registry, config).start();
  }

  private Future<RunningGateway> start() {
    return startDatabase()
        .compose(v -> Migrations.migrate(vertx, new PostgresUrl(config.database().url())))
        .compose(v -> startSandbox())
        .compose(v -> createServices())
        .compose(v -> deployManagement())
        .compose(v -> deployMaintenance())
        .compose(v -> deployWebhooks())
        .compose(v -> deployPoller())
        .compose(v -> deployApi())
        .map(api -> new RunningGateway(vertx, services,
            Stream.of(api.deployment(), maintenanceDeployment, webhookDeployment, pollerDeployment)
                .filter(Objects::nonNull).toList(),
            managementDeployment, api.port(), managementPort, sandbox, embeddedDatabase))
        .compose(running -> pointSandboxAt(running).map(running))
        .recover(this::cleanUpAfterFailedStart);
  }

  private Future<Void> startDatabase() {
    if (!config.database().embedded()) {
      return Future.succeededFuture();
    }
    return EmbeddedDatabase.start(vertx, 0).map(db -> {
      embeddedDatabase = db;
      config = config.withDatabase(config.database().withUrl(db.url()));
      return null;
    });
  }

  /** The dev profile runs the built-in sandbox unless QIWI_BASE_URL names a QIWI to talk to. */
  static boolean runsSandbox(GatewayConfig config) {
    return config.isDev() && config.qiwi().baseUrl() == null;
  }

  private Future<Void> startSandbox() {
    if (!runsSandbox(config)) {
      return Future.succeededFuture();
    }
    QiwiSettings qiwi = config.qiwi();
    // The sandbox shares no code with the client, so the settings cross over as plain values.
    QiwiCredentials credentials = qiwi.credentials();
    SandboxSettings settings = SandboxSettings.defaults(new SandboxCredentials(credentials.prvId(),
            credentials.apiId(), credentials.apiSecret(), credentials.secretKey(), credentials.notifyPassword()))
        .withHost(SANDBOX_HOST)
        .withPort(config.sandboxPort())
        .withNotifications(Dialect.fromConfigName(qiwi.dialect().configName()),
            NotifyAuth.fromConfigName(qiwi.notifyAuth().configName()), notifyUrlFor(config.httpPort()));
    sandbox = new SandboxVerticle(settings);
    return vertx.deployVerticle(sandbox).map(id -> {
      config = config.withQiwi(qiwi.withSandbox(sandbox.baseUrl(), sandbox.payUrl()));
      return null;
    });
  }

  private Future<Void> createServices() {
    Pool pool = Database.pool(vertx, config.database());
    ServiceReadiness readiness = new ServiceReadiness(config.profile().configName(),
        () -> pool.query("SELECT 1").execute(), 2000);
    readiness.markMigrated();
    QiwiClient qiwi = qiwiClient();
    BillStore bills = new BillStore(pool, config.poller().billFirstDelay());
    RefundLedger refunds = new RefundLedger(pool, config.poller().refundFirstDelay());
    IdempotencyStore keys = new IdempotencyStore(pool, config.idempotency().lease());
    IssueBill issue = new IssueBill(bills, qiwi, config.qiwi());
    OperationRunner runner = new OperationRunner(pool, keys, List.of(issue, new CancelBill(bills, qiwi),
        new RefundBill(refunds, qiwi)));
    BillRoutes billRoutes = new BillRoutes(config, runner, issue,
        new BillQueries(bills, refunds, qiwi));
    IdempotencySettings idempotency = config.idempotency();
    IdempotencyCompleter completer = new IdempotencyCompleter(vertx, keys, runner,
        idempotency.completerPeriod(), idempotency.completerBatch());
    IdempotencyReaper reaper = new IdempotencyReaper(vertx, keys, idempotency.retention(),
        idempotency.reaperPeriod(), idempotency.purgeBatch(), idempotency.purgeBatchesPerRun());
    services = new GatewayServices(config, pool, qiwi, registry, readiness, bills, refunds, keys, completer, reaper,
        new NotificationInbox(pool), billRoutes, new EventRoutes(new EventFeed(pool), config.webhook().enabled()));
    return Future.succeededFuture();
  }

  /** One client, one resilience guard: API calls, refreshes and (later) the poller share its limits. */
  private QiwiClient qiwiClient() {
    QiwiSettings qiwi = config.qiwi();
    WebClient http = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("qiwi-gateway")
        .setKeepAlive(true)
        .setConnectTimeout((int) Math.min(qiwi.timeoutMs(), Integer.MAX_VALUE)));
    ResilienceSettings resilience = ResilienceSettings.defaults(qiwi.breakerOpenMs(), qiwi.timeoutMs());
    ResilientCallGuard guard = new ResilientCallGuard(vertx,
        resilience.withRateLimit(qiwi.callsPerSecond(), resilience.rateLimitMaxWait()), registry);
    return new QiwiClient(http, new QiwiClientSettings(qiwi.baseUrl(), qiwi.dialect(), qiwi.credentials(),
        qiwi.timeoutMs()), guard, registry);
  }

  private Future<Void> deployMaintenance() {
    return vertx.deployVerticle(new MaintenanceVerticle(services)).onSuccess(id -> maintenanceDeployment = id).mapEmpty();
  }

  /** One dispatcher per replica; leases share the outbox among replicas. */
  private Future<Void> deployWebhooks() {
    if (!config.webhook().enabled()) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(new WebhookDispatcher(config.webhook(), services.pool(), registry)).map(id -> {
      webhookDeployment = id;
      return null;
    });
  }

  /** One per replica: the poller's leases, not its instance count, share the work among replicas. */
  private Future<Void> deployPoller() {
    return vertx.deployVerticle(new PollerVerticle(config.poller(), services.pool(), services.bills(), services.refunds(), services.qiwi(), registry)).map(id -> {
      pollerDeployment = id;
      return null;
    });
  }

  private Future<Void> deployManagement() {
    return OpenApiDocument.load(vertx).compose(openApi -> {
      ManagementVerticle management = new ManagementVerticle(config.managementHost(), config.managementPort(), services.readiness(),
          registry).withRoutes(openApi::mount).withConnectionLimits(config.httpServer());
      return vertx.deployVerticle(management).map(id -> {
        managementDeployment = id;
        managementPort = management.actualPort();
        return null;
      });
    });
  }

  private record ApiDeployment(String deployment, int port) { }

  /** One instance per core; Vert.x shares the listening socket among them (port 0 included). */
  private Future<ApiDeployment> deployApi() {
    List<ApiVerticle> instances = new CopyOnWriteArrayList<>();
    int count = ApiVerticle.instancesPerGateway();
    ConnectionGuard.Limit connections = new ConnectionGuard.Limit(config.httpServer().maxConnections(), registry);
    return vertx.deployVerticle(() -> {
      ApiVerticle instance = new ApiVerticle(services, connections);
      instances.add(instance);
      return instance;
    }, new DeploymentOptions().setInstances(count))
        .map(id -> new ApiDeployment(id, instances.get(0).actualPort()));
  }

  /** With HTTP_PORT=0 the port is known only now; the sandbox must notify the port actually bound. */
  private Future<Void> pointSandboxAt(RunningGateway running) {
    if (sandbox != null && config.httpPort() == 0) {
      sandbox.sendNotificationsTo(notifyUrlFor(running.httpPort()));
    }
    return Future.succeededFuture();
  }

  /** The sandbox reaches the gateway where it listens: loopback when it listens on every address. */
  private String notifyUrlFor(int httpPort) {
    String host = Set.of("0.0.0.0", "::").contains(config.httpHost()) ? SANDBOX_HOST : config.httpHost();
    host = host.contains(":") ? "[" + host + "]" : host;
    return httpPort == 0 ? null : "http://" + host + ":" + httpPort + config.qiwi().notifyPath();
  }

  private Future<RunningGateway> cleanUpAfterFailedStart(Throwable cause) {
    Future<Void> db = embeddedDatabase == null ? Future.succeededFuture() : embeddedDatabase.stop();
    return db.transform(ignored -> Future.failedFuture(cause));
  }
}
