package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** One run, start to audit: start everything, traffic and chaos, quiescence, SIGTERM every replica, audit. */
final class Scenario {

  private final Options options;
  private final Http http = new Http();
  private final Ledger ledger = new Ledger();
  private final Journal journal = new Journal();
  private final Database database;
  private final String run = Long.toString(System.currentTimeMillis() % 1_679_616L, 36);
  private final String merchantToken = "tok-" + Util.randomBase64(18).replace('/', 'x').replace('+', 'y');
  private final byte[] webhookKey = Util.randomBytes(32);
  private final ExecutorService aux = Executors.newCachedThreadPool(Util.daemonThreads("aux"));
  private Vertx vertx;
  private Cluster cluster;
  private Proxy proxy;
  private WebhookReceiver receiver;
  private Sandbox sandbox;
  private Driver driver;

  Scenario(Options options) {
    this.options = options;
    this.database = new Database(options);
  }

  int run() throws Exception {
    Util.log("replica audit (" + options.label() + "), run id " + run + ", work dir " + options.work());
    Files.createDirectories(options.work().resolve("logs"));
    Files.createDirectories(options.work().resolve("pids"));
    vertx = Vertx.vertx();
    try {
      startEverything();
      long trafficStart = System.nanoTime();
      runTrafficAndChaos(trafficStart);
      Util.log(String.format(Locale.ROOT, "traffic and chaos done after %.0f s",
          (System.nanoTime() - trafficStart) / 1e9));
      new Quiescence(database, sandbox, journal).await();
      cluster.stopReplicas();
      return new Audit(options, database, sandbox, ledger, journal, proxy, receiver).run();
    } finally {
      shutDown();
    }
  }

  private void startEverything() throws Exception {
    int proxyPort = Util.freePort();
    int receiverPort = Util.freePort();
    int sandboxPort = Util.freePort();
    String proxyBase = "http://127.0.0.1:" + proxyPort;
    sandbox = new Sandbox(http, "http://127.0.0.1:" + sandboxPort);
    cluster = new Cluster(options, http, aux, journal, sandboxPort, proxyBase, receiverPort, merchantToken, webhookKey);
    receiver = new WebhookReceiver(vertx, webhookKey, ledger);
    Util.await(receiver.listen(receiverPort), 10);
    proxy = new Proxy(vertx, cluster.replicas);
    Util.await(proxy.listen(proxyPort), 10);
    driver = new Driver(http, ledger, proxyBase, sandbox.base, merchantToken, run, aux);
    cluster.start();
    Util.log("sandbox :" + sandboxPort + ", proxy :" + proxyPort + ", receiver :" + receiverPort + ", replicas "
        + cluster.replicas.stream().map(r -> ":" + r.httpPort + "/" + r.managementPort).toList() + ", PostgreSQL :"
        + options.pgPort());
  }

  private void runTrafficAndChaos(long trafficStart) throws InterruptedException {
    long stopAt = trafficStart + TimeUnit.SECONDS.toNanos(options.trafficSeconds());
    Traffic traffic = new Traffic(driver, ledger, run, aux, stopAt);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < options.workers(); i++) {
      Thread worker = new Thread(traffic::work, "flow-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    Chaos chaos = new Chaos(options, trafficStart, cluster, proxy, sandbox, driver, ledger, journal, aux);
    Thread chaosThread = new Thread(chaos::run, "chaos");
    chaosThread.setDaemon(true);
    chaosThread.start();
    chaosThread.join(TimeUnit.SECONDS.toMillis(options.trafficSeconds() + 240));
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(180));
    }
    Util.log("flows: " + traffic.started() + " bills started");
  }

  private void shutDown() {
    if (cluster != null) {
      cluster.shutDown();
    }
    aux.shutdownNow();
    if (vertx != null) {
      try {
        Util.await(vertx.close(), 10);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }
}
