package dev.qiwigateway.loadtest.replicas;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The child processes: the standalone sandbox ({@code java -jar JAR sandbox}, notifying through the
 * proxy) and three gateway replicas (prod profile, one database, webhooks to the receiver).
 */
final class Cluster {

  static final int REPLICAS = 3;

  private final Options options;
  private final Http http;
  private final ExecutorService aux;
  private final Journal journal;
  final Child sandbox;
  final List<Child> replicas = new ArrayList<>();

  /** Chooses every port; nothing starts yet. */
  Cluster(Options options, Http http, ExecutorService aux, Journal journal, int sandboxPort, String proxyBase,
      int receiverPort, String merchantToken, byte[] webhookKey) throws IOException {
    this.options = options;
    this.http = http;
    this.aux = aux;
    this.journal = journal;
    String sandboxBase = "http://127.0.0.1:" + sandboxPort;
    Map<String, String> sandboxEnv = new HashMap<>(Fixture.credentialsEnv());
    sandboxEnv.put("SANDBOX_HOST", "127.0.0.1");
    sandboxEnv.put("SANDBOX_PORT", String.valueOf(sandboxPort));
    sandboxEnv.put("SANDBOX_NOTIFY_URL", proxyBase + Fixture.NOTIFY_PATH);
    sandbox = new Child("sandbox", sandboxPort, -1, sandboxBase + "/sandbox", javaCommand("sandbox"), sandboxEnv,
        options.work());
    for (int i = 0; i < REPLICAS; i++) {
      int httpPort = Util.freePort();
      int managementPort = Util.freePort();
      Map<String, String> env = gatewayEnv(httpPort, managementPort, sandboxBase, receiverPort, merchantToken,
          webhookKey);
      replicas.add(new Child("replica-" + i, httpPort, managementPort,
          "http://127.0.0.1:" + managementPort + "/health/ready", javaCommand(null), env, options.work()));
    }
  }

  void start() throws IOException {
    sandbox.start();
    if (!sandbox.awaitReady(http, Duration.ofSeconds(90))) {
      throw new IllegalStateException("the sandbox did not start; see logs/sandbox.log");
    }
    // The first replica migrates the schema alone; the other two start together.
    startReplica(replicas.get(0));
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> startReplica(replicas.get(1)), aux);
    startReplica(replicas.get(2));
    second.join();
  }

  /** Starts a replica and waits until it is ready; then the proxy routes to it. */
  void startReplica(Child replica) {
    try {
      long begun = System.nanoTime();
      replica.start();
      if (!replica.awaitReady(http, Duration.ofSeconds(120))) {
        throw new IllegalStateException(replica.name + " did not become ready; see logs/" + replica.name + ".log");
      }
      replica.avoidUntil = 0;
      replica.routable = true;
      Util.log(String.format(Locale.ROOT, "%s ready in %.1f s (pid %d)", replica.name,
          (System.nanoTime() - begun) / 1e9, replica.process.pid()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + replica.name, e);
    }
  }

  /** Every replica gets SIGTERM at the end too: each must drain and exit 0 (or 143). */
  void stopReplicas() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Child replica : replicas) {
      replica.routable = false;
      stops.add(CompletableFuture.runAsync(() -> {
        try {
          Integer exit = replica.sigterm(Duration.ofSeconds(25));
          journal.sigterm(replica.name + " SIGTERM at the end: "
              + (exit == null ? "did not exit within 25 s" : "exit " + exit), exit);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, aux));
    }
    stops.forEach(CompletableFuture::join);
    Util.log("replicas stopped: " + journal.sigterms);
  }

  /** Whatever still runs: replicas SIGKILLed, the sandbox SIGTERMed (SIGKILLed after 10 s). */
  void shutDown() {
    for (Child child : replicas) {
      if (child.process != null && child.process.isAlive()) {
        child.process.destroyForcibly();
      }
    }
    if (sandbox.process != null) {
      sandbox.process.destroy();
      try {
        sandbox.process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sandbox.process.destroyForcibly();
    }
  }

  private List<String> javaCommand(String argument) {
    List<String> command = new ArrayList<>(List.of("java", "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", options.jar().toString()));
    if (argument != null) {
      command.add(argument);
    }
    return command;
  }

  private Map<String, String> gatewayEnv(int httpPort, int managementPort, String sandboxBase, int receiverPort,
      String merchantToken, byte[] webhookKey) {
    Map<String, String> env = new HashMap<>(Fixture.credentialsEnv());
    env.put("GATEWAY_PROFILE", "prod");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.put("PG_URL", "postgresql://postgres@127.0.0.1:" + options.pgPort() + "/gateway");
    env.put("PG_POOL_SIZE", "5");
    env.put("QIWI_BASE_URL", sandboxBase);
    env.put("QIWI_TIMEOUT_MS", "2000");
    env.put("QIWI_BREAKER_OPEN_MS", "1000");
    env.put("API_TOKENS", Fixture.MERCHANT + ":" + Util.sha256Hex(merchantToken));
    env.put("WEBHOOK_URL", "http://127.0.0.1:" + receiverPort + "/hooks/qiwi-gateway");
    env.put("WEBHOOK_SECRET", WebhookSignature.secret(webhookKey));
    env.put("WEBHOOK_TIMEOUT_MS", "3000");
    env.put("WEBHOOK_RETRY_BASE_MS", "300");
    env.put("WEBHOOK_RETRY_MAX_MS", "2000");
    env.put("WEBHOOK_POLL_MS", "100");
    env.put("POLL_INTERVAL_MS", "300");
    env.put("POLL_LEASE_MS", "4000");
    env.put("POLL_BILL_FIRST_DELAY_MS", "4000");
    env.put("POLL_BILL_MAX_INTERVAL_MS", "6000");
    env.put("POLL_REFUND_FIRST_DELAY_MS", "1000");
    env.put("POLL_REFUND_MAX_INTERVAL_MS", "3000");
    env.put("IDEMPOTENCY_LEASE_MS", "8000");
    env.put("IDEMPOTENCY_COMPLETER_PERIOD_MS", "1000");
    env.put("DRAIN_TIMEOUT_MS", "3000");
    env.put("LOG_FORMAT", "text");
    return env;
  }
}
