import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.NotificationSignature;
import dev.qiwigateway.qiwi.QiwiAmount;
import dev.qiwigateway.qiwi.QiwiCredentials;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The multi-replica proof (issue 5 item 3), driven by loadtest/replicas/run.sh. Starts the standalone
 * QIWI sandbox and three gateway replicas (prod profile) on one PostgreSQL, puts a round-robin HTTP proxy
 * in front of them (the merchant traffic and the sandbox's notifications both go through it), receives
 * the webhooks, drives mixed traffic while replicas are SIGKILLed and SIGTERMed and PostgreSQL restarts,
 * waits for quiescence and audits what every party recorded. Exit 0: every check passed; 1: a
 * violation; 2: the scenario itself could not run.
 *
 * <p>Launched in source mode with the shaded jar on the class path (Vert.x, the protocol helpers).
 * Flows are plain blocking code on their own threads; only the proxy and the receiver run on Vert.x.
 */
public final class ReplicaAudit {

  static final String MERCHANT = "shop1";
  static final String PRV_ID = "2042";
  static final String API_ID = "23244123";
  static final String API_SECRET = "453Fdgd443";
  static final String NOTIFY_PASSWORD = "test";
  static final String NOTIFY_PATH = "/qiwi/notifications";
  static final Set<String> FINAL = Set.of("paid", "rejected", "unpaid", "expired");
  static final long STARTED = System.nanoTime();

  public static void main(String[] args) {
    int exit;
    try {
      exit = new ReplicaAudit(Options.parse(args)).run();
    } catch (Exception e) {
      log("scenario failed: " + e);
      e.printStackTrace(System.out);
      exit = 2;
    }
    System.out.flush();
    System.exit(exit);
  }

  static void log(String message) {
    System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    System.out.flush();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(0, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  static <T> T await(Future<T> future, long seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static long secondsFromNow(long seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  // ---------------------------------------------------------------------------------------------
  // settings

  record Options(Path jar, Path work, Path pgDir, int pgPort, Path pgLib, String psql, String label,
      int trafficSeconds, int workers) {

    static Options parse(String[] args) {
      Map<String, String> given = new HashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("arguments are --name value pairs; bad: " + args[i]);
        }
        given.put(args[i].substring(2), args[i + 1]);
      }
      for (String required : List.of("jar", "work", "pg-dir", "pg-port", "pg-lib", "psql")) {
        if (!given.containsKey(required)) {
          throw new IllegalArgumentException("--" + required + " is required");
        }
      }
      return new Options(Path.of(given.get("jar")), Path.of(given.get("work")), Path.of(given.get("pg-dir")),
          Integer.parseInt(given.get("pg-port")), Path.of(given.get("pg-lib")), given.get("psql"),
          given.getOrDefault("label", "main build"), Integer.parseInt(given.getOrDefault("traffic-seconds", "100")),
          Integer.parseInt(given.getOrDefault("workers", "12")));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // blocking HTTP for flows, admin calls and readiness probes

  record Answer(int status, String body, String retryAfter) {

    static Answer failed(String why) {
      return new Answer(-1, why, null);
    }

    boolean ok() {
      return status / 100 == 2;
    }

    JsonObject json() {
      if (body == null || !body.startsWith("{")) {
        return new JsonObject();
      }
      try {
        return new JsonObject(body);
      } catch (RuntimeException notJson) {
        return new JsonObject();
      }
    }

    String code() {
      return json().getString("code");
    }

    /** Unknown outcome or a busy key: the same request with the same key may be sent again. */
    boolean retryable() {
      return status == -1 || status == 429 || status >= 500
          || (status == 409 && "idempotency_key_in_use".equals(code()));
    }

    long retryDelayMillis() {
      if (retryAfter != null) {
        try {
          return Math.min(2000, Long.parseLong(retryAfter.trim()) * 1000);
        } catch (NumberFormatException ignored) {
          // fall through to the default pause
        }
      }
      return 250 + ThreadLocalRandom.current().nextInt(400);
    }

    String label() {
      return status == -1 ? "no-answer" : code() == null ? String.valueOf(status) : status + ":" + code();
    }
  }

  static final class Http {

    private final java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3))
        .build();

    Answer get(String url, Duration timeout, String... headers) {
      java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(url))
          .timeout(timeout).GET();
      return send(withHeaders(request, headers).build());
    }

    Answer post(String url, String body, String contentType, Duration timeout, String... headers) {
      java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(url))
          .timeout(timeout)
          .POST(body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
              : java.net.http.HttpRequest.BodyPublishers.ofString(body));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      return send(withHeaders(request, headers).build());
    }

    Answer delete(String url) {
      return send(java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).DELETE()
          .build());
    }

    private static java.net.http.HttpRequest.Builder withHeaders(java.net.http.HttpRequest.Builder request,
        String... headers) {
      for (int i = 0; i + 1 < headers.length; i += 2) {
        request.header(headers[i], headers[i + 1]);
      }
      return request;
    }

    private Answer send(java.net.http.HttpRequest request) {
      try {
        java.net.http.HttpResponse<String> response = client.send(request,
            java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
            response.headers().firstValue("Retry-After").orElse(null));
      } catch (java.net.http.HttpTimeoutException timeout) {
        return Answer.failed("timeout");
      } catch (IOException lost) {
        return Answer.failed(String.valueOf(lost));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Answer.failed("interrupted");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // child processes: the sandbox and the gateway replicas

  static final class Child {

    final String name;
    final int httpPort;
    final int managementPort;
    final String readyUrl;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logFile;
    private final Path pidFile;
    volatile Process process;
    /** Set by the scenario once the replica is ready; the proxy also avoids it briefly after a refused connect. */
    volatile boolean routable;
    volatile long avoidUntil;

    Child(String name, int httpPort, int managementPort, String readyUrl, List<String> command,
        Map<String, String> env, Path work) {
      this.name = name;
      this.httpPort = httpPort;
      this.managementPort = managementPort;
      this.readyUrl = readyUrl;
      this.command = command;
      this.env = env;
      this.logFile = work.resolve("logs").resolve(name + ".log");
      this.pidFile = work.resolve("pids").resolve(name + ".pid");
    }

    void start() throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      Files.writeString(logFile, "==== start " + java.time.Instant.now() + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = builder.start();
      Files.writeString(pidFile, process.pid() + "\n");
    }

    boolean awaitReady(Http http, Duration within) {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          return false;
        }
        if (http.get(readyUrl, Duration.ofSeconds(2)).status == 200) {
          return true;
        }
        sleep(250);
      }
      return false;
    }

    boolean available() {
      return routable && System.currentTimeMillis() >= avoidUntil;
    }

    void sigkill() throws InterruptedException {
      routable = false;
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; the exit code, or null when it did not exit in time (then it is SIGKILLed). */
    Integer sigterm(Duration within) throws InterruptedException {
      process.destroy();
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return null;
      }
      return process.exitValue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // what the driver saw

  static final class BillSeen {
    final String billId;
    final String createKey;
    final BigDecimal amount;
    final String customer;

    BillSeen(String billId, String createKey, BigDecimal amount, String customer) {
      this.billId = billId;
      this.createKey = createKey;
      this.amount = amount;
      this.customer = customer;
    }
  }

  record KeyAnswer(String path, Answer answer) {
  }

  record AcceptedRefund(String billId, String refundId, BigDecimal amount) {
  }

  static final class Ledger {
    /** Every answer per Idempotency-Key, in the order received. */
    final Map<String, List<KeyAnswer>> answersByKey = new ConcurrentHashMap<>();
    /** Create key -> the comment that marks its bill at the sandbox. */
    final Map<String, String> createComments = new ConcurrentHashMap<>();
    final Map<String, BillSeen> bills = new ConcurrentHashMap<>();
    /** Every final bill status the driver was ever shown (API answers and webhooks), per bill. */
    final Map<String, Set<String>> finalsSeen = new ConcurrentHashMap<>();
    /** Refunds answered 201, once each (a replayed answer names the same refund). */
    final Set<AcceptedRefund> acceptedRefunds = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> stats = new ConcurrentHashMap<>();

    void answer(String key, String path, Answer answer) {
      answersByKey.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
          .add(new KeyAnswer(path, answer));
    }

    void seeFinal(String billId, String status) {
      if (billId != null && FINAL.contains(status)) {
        finalsSeen.computeIfAbsent(billId, k -> ConcurrentHashMap.newKeySet()).add(status);
      }
    }

    void count(String name) {
      count(name, 1);
    }

    void count(String name, int howMany) {
      stats.computeIfAbsent(name, k -> new AtomicInteger()).addAndGet(howMany);
    }

    int stat(String name) {
      AtomicInteger value = stats.get(name);
      return value == null ? 0 : value.get();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the round-robin proxy in front of the replicas

  record Exchange(long seq, String replica, String origin, String body, int status, String answer) {
    boolean acked() {
      return status == 200 && answer != null && answer.replace(" ", "").contains("\"error\":0");
    }
  }

  static final class Proxy {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "host", "content-length",
        "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection");

    private final Vertx vertx;
    private final List<Child> replicas;
    private final HttpClientAgent client;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    final List<Exchange> notifications = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private volatile Child killOnAck;
    private volatile CompletableFuture<Long> killed;

    Proxy(Vertx vertx, List<Child> replicas) {
      this.vertx = vertx;
      this.replicas = replicas;
      // A connection per request: a dead replica shows as a refused connect, never as a stale pooled socket.
      this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(1000),
          new PoolOptions().setHttp1MaxSize(256));
    }

    Future<HttpServer> listen(int port) {
      return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
          .requestHandler(this::receive)
          .listen();
    }

    /** The next time replica {@code target} acknowledges a notification it is SIGKILLed at once. */
    CompletableFuture<Long> killOnNextAck(Child target) {
      CompletableFuture<Long> fired = new CompletableFuture<>();
      killed = fired;
      killOnAck = target;
      return fired;
    }

    void disarm() {
      killOnAck = null;
    }

    long lastSeq() {
      return seq.get();
    }

    private void receive(HttpServerRequest request) {
      request.body()
          .onSuccess(body -> forward(request, body, new HashSet<>()))
          .onFailure(failed -> request.response().setStatusCode(400).end());
    }

    private Child pick(Set<Child> tried) {
      int start = Math.floorMod(next.getAndIncrement(), replicas.size());
      for (int i = 0; i < replicas.size(); i++) {
        Child candidate = replicas.get((start + i) % replicas.size());
        if (candidate.available() && !tried.contains(candidate)) {
          return candidate;
        }
      }
      return null;
    }

    private void forward(HttpServerRequest request, Buffer body, Set<Child> tried) {
      Child target = pick(tried);
      if (target == null) {
        finish(request, body, null, 502, MultiMap.caseInsensitiveMultiMap(),
            Buffer.buffer("proxy: no replica reachable"));
        return;
      }
      tried.add(target);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      request.headers().forEach(header -> {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          headers.add(header.getKey(), header.getValue());
        }
      });
      RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
          .setPort(target.httpPort).setURI(request.uri()).setHeaders(headers).setIdleTimeout(20_000);
      client.request(options)
          .onFailure(notConnected -> {
            // Nothing was sent: like any load balancer, try the next replica.
            target.avoidUntil = System.currentTimeMillis() + 1000;
            forward(request, body, tried);
          })
          .onSuccess(upstream -> upstream.send(body)
              .compose(response -> response.body().map(answer -> {
                relay(request, body, target, response, answer);
                return (Void) null;
              }))
              .onFailure(lost -> finish(request, body, target, 502, MultiMap.caseInsensitiveMultiMap(),
                  Buffer.buffer("proxy: upstream lost: " + lost.getClass().getSimpleName()))));
    }

    private void relay(HttpServerRequest request, Buffer body, Child target, HttpClientResponse response,
        Buffer answer) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      response.headers().forEach(header -> {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          headers.add(header.getKey(), header.getValue());
        }
      });
      finish(request, body, target, response.statusCode(), headers, answer);
    }

    private void finish(HttpServerRequest request, Buffer body, Child target, int status, MultiMap headers,
        Buffer answer) {
      answers.computeIfAbsent(String.valueOf(status), k -> new AtomicInteger()).incrementAndGet();
      if (io.vertx.core.http.HttpMethod.POST.equals(request.method()) && NOTIFY_PATH.equals(request.path())) {
        String agent = request.getHeader("User-Agent");
        Exchange exchange = new Exchange(seq.incrementAndGet(), target == null ? "-" : target.name,
            agent != null && agent.contains("sandbox") ? "sandbox" : "driver", body.toString(StandardCharsets.UTF_8),
            status, answer.toString(StandardCharsets.UTF_8));
        notifications.add(exchange);
        Child victim = killOnAck;
        if (victim != null && victim == target && exchange.acked()) {
          killOnAck = null;
          victim.routable = false;
          victim.process.destroyForcibly();
          killed.complete(exchange.seq());
        }
      }
      if (request.response().closed() || request.response().ended()) {
        return;
      }
      request.response().setStatusCode(status);
      request.response().headers().addAll(headers);
      request.response().end(answer);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the marketplace's webhook endpoint

  record Delivery(long seq, String webhookId, String type, String billId, String refundId, String dataStatus,
      int answered, boolean signatureValid) {
  }

  static final class Receiver {

    private final Vertx vertx;
    private final byte[] key;
    private final Ledger ledger;
    private final AtomicLong seq = new AtomicLong();
    final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());

    Receiver(Vertx vertx, byte[] key, Ledger ledger) {
      this.vertx = vertx;
      this.key = key;
      this.ledger = ledger;
    }

    Future<HttpServer> listen(int port) {
      return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
          .requestHandler(request -> request.body().onSuccess(body -> receive(request, body)))
          .listen();
    }

    private void receive(HttpServerRequest request, Buffer body) {
      long arrival = seq.incrementAndGet();
      String id = request.getHeader("webhook-id");
      boolean valid = verified(id, request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
          body.getBytes());
      JsonObject event;
      try {
        event = body.toJsonObject();
      } catch (RuntimeException notJson) {
        event = new JsonObject();
      }
      JsonObject data = event.getJsonObject("data", new JsonObject());
      String type = event.getString("type", "");
      // Some failures on purpose, so that retries and per-bill ordering under retries are exercised.
      int answer = !valid ? 401 : ThreadLocalRandom.current().nextInt(100) < 6 ? 500 : 204;
      deliveries.add(new Delivery(arrival, id, type, data.getString("billId"), data.getString("refundId"),
          data.getString("status"), answer, valid));
      if (valid && type.startsWith("bill.")) {
        ledger.seeFinal(data.getString("billId"), data.getString("status"));
      }
      request.response().setStatusCode(answer).end();
    }

    private boolean verified(String id, String timestamp, String signatures, byte[] body) {
      if (id == null || timestamp == null || signatures == null) {
        return false;
      }
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)))
            .getBytes(StandardCharsets.UTF_8);
        for (String presented : signatures.trim().split(" +")) {
          if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected)) {
            return true;
          }
        }
        return false;
      } catch (java.security.GeneralSecurityException e) {
        return false;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the scenario

  private final Options options;
  private final Http http = new Http();
  private final Ledger ledger = new Ledger();
  private final String run = Long.toString(System.currentTimeMillis() % 1_679_616L, 36);
  private final String merchantToken = "tok-" + randomBase64(18).replace('/', 'x').replace('+', 'y');
  private final byte[] webhookKey = randomBytes(32);
  private final String secretKey = QiwiCredentials.of(PRV_ID, API_ID, API_SECRET, NOTIFY_PASSWORD).secretKey();
  private final ExecutorService aux = Executors.newCachedThreadPool(daemonThreads("aux"));
  private final AtomicLong nonce = new AtomicLong();
  private final List<String> chaosLog = Collections.synchronizedList(new ArrayList<>());
  private final List<String> chaosFailures = Collections.synchronizedList(new ArrayList<>());
  private final List<String> sigtermResults = Collections.synchronizedList(new ArrayList<>());
  private final List<String> sigtermFailures = Collections.synchronizedList(new ArrayList<>());
  private final List<Child> replicas = new ArrayList<>();
  private Vertx vertx;
  private Proxy proxy;
  private Receiver receiver;
  private Child sandbox;
  private String proxyBase;
  private String sandboxBase;
  private String quiescence = "not reached";

  ReplicaAudit(Options options) {
    this.options = options;
  }

  int run() throws Exception {
    log("replica audit (" + options.label() + "), run id " + run + ", work dir " + options.work());
    Files.createDirectories(options.work().resolve("logs"));
    Files.createDirectories(options.work().resolve("pids"));
    vertx = Vertx.vertx();
    try {
      startEverything();
      long trafficStart = System.nanoTime();
      runTrafficAndChaos(trafficStart);
      log(String.format(Locale.ROOT, "traffic and chaos done after %.0f s", (System.nanoTime() - trafficStart) / 1e9));
      awaitQuiescence();
      stopReplicas();
      return new Audit().run();
    } finally {
      shutDown();
    }
  }

  private void startEverything() throws Exception {
    int proxyPort = freePort();
    int receiverPort = freePort();
    int sandboxPort = freePort();
    proxyBase = "http://127.0.0.1:" + proxyPort;
    sandboxBase = "http://127.0.0.1:" + sandboxPort;
    receiver = new Receiver(vertx, webhookKey, ledger);
    await(receiver.listen(receiverPort), 10);
    proxy = new Proxy(vertx, replicas);
    await(proxy.listen(proxyPort), 10);

    Map<String, String> sandboxEnv = new HashMap<>(credentialsEnv());
    sandboxEnv.put("SANDBOX_HOST", "127.0.0.1");
    sandboxEnv.put("SANDBOX_PORT", String.valueOf(sandboxPort));
    sandboxEnv.put("SANDBOX_NOTIFY_URL", proxyBase + NOTIFY_PATH);
    sandbox = new Child("sandbox", sandboxPort, -1, sandboxBase + "/sandbox", javaCommand("sandbox"), sandboxEnv,
        options.work());
    sandbox.start();
    for (int i = 0; i < 3; i++) {
      int httpPort = freePort();
      int managementPort = freePort();
      replicas.add(new Child("replica-" + i, httpPort, managementPort,
          "http://127.0.0.1:" + managementPort + "/health/ready", javaCommand(null),
          gatewayEnv(httpPort, managementPort, receiverPort), options.work()));
    }
    if (!sandbox.awaitReady(http, Duration.ofSeconds(90))) {
      throw new IllegalStateException("the sandbox did not start; see logs/sandbox.log");
    }
    // The first replica migrates the schema alone; the other two start together.
    startReplica(replicas.get(0));
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> startReplica(replicas.get(1)), aux);
    startReplica(replicas.get(2));
    second.join();
    log("sandbox :" + sandboxPort + ", proxy :" + proxyPort + ", receiver :" + receiverPort + ", replicas "
        + replicas.stream().map(r -> ":" + r.httpPort + "/" + r.managementPort).toList() + ", PostgreSQL :"
        + options.pgPort());
  }

  private void startReplica(Child replica) {
    try {
      long begun = System.nanoTime();
      replica.start();
      if (!replica.awaitReady(http, Duration.ofSeconds(120))) {
        throw new IllegalStateException(replica.name + " did not become ready; see logs/" + replica.name + ".log");
      }
      replica.avoidUntil = 0;
      replica.routable = true;
      log(String.format(Locale.ROOT, "%s ready in %.1f s (pid %d)", replica.name, (System.nanoTime() - begun) / 1e9,
          replica.process.pid()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + replica.name, e);
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

  private static Map<String, String> credentialsEnv() {
    return Map.of("QIWI_PRV_ID", PRV_ID, "QIWI_API_ID", API_ID, "QIWI_API_SECRET", API_SECRET,
        "QIWI_NOTIFY_PASSWORD", NOTIFY_PASSWORD, "QIWI_DIALECT", "rest-v3");
  }

  private Map<String, String> gatewayEnv(int httpPort, int managementPort, int receiverPort) {
    Map<String, String> env = new HashMap<>(credentialsEnv());
    env.put("GATEWAY_PROFILE", "prod");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.put("PG_URL", "postgresql://postgres@127.0.0.1:" + options.pgPort() + "/gateway");
    env.put("PG_POOL_SIZE", "5");
    env.put("QIWI_BASE_URL", sandboxBase);
    env.put("QIWI_TIMEOUT_MS", "2000");
    env.put("QIWI_BREAKER_OPEN_MS", "1000");
    env.put("API_TOKENS", MERCHANT + ":" + sha256Hex(merchantToken));
    env.put("WEBHOOK_URL", "http://127.0.0.1:" + receiverPort + "/hooks/qiwi-gateway");
    env.put("WEBHOOK_SECRET", "whsec_" + Base64.getEncoder().encodeToString(webhookKey));
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

  private void runTrafficAndChaos(long trafficStart) throws Exception {
    long stopAt = trafficStart + TimeUnit.SECONDS.toNanos(options.trafficSeconds());
    Traffic traffic = new Traffic(stopAt);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < options.workers(); i++) {
      Thread worker = new Thread(traffic::work, "flow-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    Thread chaos = new Thread(() -> new Chaos(trafficStart).run(), "chaos");
    chaos.setDaemon(true);
    chaos.start();
    chaos.join(TimeUnit.SECONDS.toMillis(options.trafficSeconds() + 240));
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(180));
    }
    log("flows: " + traffic.started.get() + " bills started");
  }

  // ---------------------------------------------------------------------------------------------
  // traffic

  private Answer api(String method, String path, String key, JsonObject body, Duration timeout) {
    String url = proxyBase + path;
    String auth = "Bearer " + merchantToken;
    if (method.equals("GET")) {
      return http.get(url, timeout, "Authorization", auth);
    }
    return http.post(url, body.encode(), "application/json", timeout, "Authorization", auth, "Idempotency-Key", key);
  }

  /** POSTs until the outcome is known: retries keep the same key and body, as the contract asks of callers. */
  private Answer idempotent(String operation, String path, String key, JsonObject body, long deadline) {
    while (true) {
      Answer answer = api("POST", path, key, body, Duration.ofSeconds(6));
      ledger.answer(key, path, answer);
      ledger.count(operation + " " + answer.label());
      if (!answer.retryable() || System.nanoTime() > deadline) {
        return answer;
      }
      ledger.count(operation + " retried");
      sleep(answer.retryDelayMillis());
    }
  }

  private Answer sandboxAction(String billId, String action) {
    Answer answer = http.post(sandboxBase + "/sandbox/bills/" + billId + "/" + action, null, null,
        Duration.ofSeconds(5));
    ledger.count("sandbox " + action + " " + answer.status());
    return answer;
  }

  /** A notification signed as QIWI signs it, with an unsigned extra field that makes each copy unique. */
  private Answer notifyCopy(BillSeen bill, String status) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("prv_id", PRV_ID);
    fields.put("bill_id", bill.billId);
    fields.put("status", status);
    fields.put("error", "0");
    fields.put("amount", QiwiAmount.format(bill.amount));
    fields.put("phone", bill.customer);
    fields.put("currency", "RUB");
    fields.put("comment", "replica audit copy");
    fields.put("version", "1");
    fields.put("extra_copy", run + "-" + nonce.incrementAndGet());
    Answer answer = http.post(proxyBase + NOTIFY_PATH, FormCodec.encode(fields),
        "application/x-www-form-urlencoded; charset=utf-8", Duration.ofSeconds(8),
        "X-Api-Signature", NotificationSignature.restV3(secretKey, fields), "User-Agent", "replica-audit-driver");
    ledger.count("notification copy " + answer.status());
    return answer;
  }

  private void notifyCopies(BillSeen bill, String status, int copies, boolean concurrently) {
    if (concurrently) {
      List<CompletableFuture<Answer>> sent = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        sent.add(CompletableFuture.supplyAsync(() -> notifyCopy(bill, status), aux));
      }
      sent.forEach(CompletableFuture::join);
    } else {
      for (int i = 0; i < copies; i++) {
        notifyCopy(bill, status);
      }
    }
  }

  private final class Traffic {

    final long stopAt;
    final AtomicInteger started = new AtomicInteger();

    Traffic(long stopAt) {
      this.stopAt = stopAt;
    }

    void work() {
      while (System.nanoTime() < stopAt) {
        int n = started.getAndIncrement();
        try {
          flow(n);
        } catch (RuntimeException e) {
          ledger.count("flow error");
          log("flow " + n + " failed: " + e);
        }
      }
    }

    private void flow(int n) {
      long deadline = secondsFromNow(75);
      BillSeen bill = create(n, deadline);
      if (bill == null) {
        return;
      }
      switch (n % 20) {
        case 12, 13 -> cancelFlow(bill, n, deadline);
        case 14 -> sandboxFinish(bill, "decline", "rejected", deadline);
        case 15 -> sandboxFinish(bill, "fail", "unpaid", deadline);
        case 16 -> sandboxFinish(bill, "expire", "expired", deadline);
        case 17 -> raceFlow(bill, n, deadline);
        default -> payFlow(bill, n, deadline);
      }
    }

    private BillSeen create(int n, long deadline) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String key = "create-" + run + "-" + n;
      String comment = "rk:" + run + ":" + n;
      BigDecimal amount = BigDecimal.valueOf(1000 + random.nextInt(90_000), 2);
      String customer = String.format(Locale.ROOT, "tel:+7916%07d", random.nextInt(10_000_000));
      JsonObject body = new JsonObject().put("amount", amount.toPlainString()).put("currency", "RUB")
          .put("customer", customer).put("comment", comment);
      if (n % 2 == 0) {
        body.put("billId", "b" + run + "x" + n);
      }
      ledger.createComments.put(key, comment);
      Answer answer;
      if (n % 6 == 0) {
        // The same request twice at once: one of them waits on the other's key.
        ledger.count("create sent twice at once");
        CompletableFuture<Answer> twin = CompletableFuture.supplyAsync(
            () -> idempotent("create", "/v1/bills", key, body, deadline), aux);
        Answer mine = idempotent("create", "/v1/bills", key, body, deadline);
        Answer other = twin.join();
        answer = mine.status == 201 ? mine : other;
      } else {
        answer = idempotent("create", "/v1/bills", key, body, deadline);
      }
      if (answer.status != 201) {
        ledger.count("create ended " + answer.label());
        return null;
      }
      BillSeen bill = new BillSeen(answer.json().getString("billId"), key, amount, customer);
      ledger.bills.put(bill.billId, bill);
      return bill;
    }

    /** Reads the bill until it is final (sometimes asking QIWI first); every final status seen is kept. */
    private String awaitFinal(BillSeen bill, long deadline) {
      int reads = 0;
      while (System.nanoTime() < deadline) {
        boolean refresh = reads++ % 3 == 2;
        Answer answer = api("GET", "/v1/bills/" + bill.billId + (refresh ? "?refresh=true" : ""), null, null,
            Duration.ofSeconds(6));
        ledger.count((refresh ? "get bill refresh " : "get bill ") + answer.status);
        if (answer.status == 200) {
          String status = answer.json().getString("status");
          ledger.seeFinal(bill.billId, status);
          if (FINAL.contains(status)) {
            return status;
          }
        }
        sleep(300);
      }
      ledger.count("bill not final within its flow");
      return null;
    }

    private void payFlow(BillSeen bill, int n, long deadline) {
      if (sandboxAction(bill.billId, "pay").status != 200) {
        return;
      }
      notifyCopies(bill, "paid", n % 3, n % 2 == 0);
      if (!"paid".equals(awaitFinal(bill, deadline))) {
        return;
      }
      switch (n % 4) {
        case 0 -> singleRefund(bill, n, deadline);
        case 1 -> concurrentRefunds(bill, n, deadline);
        case 2 -> refundsWithFailure(bill, n, deadline);
        default -> lateConflicts(bill, "rejected", deadline);
      }
      if (n % 5 == 0) {
        Answer refreshed = api("GET", "/v1/bills/" + bill.billId + "/refunds?refresh=true", null, null,
            Duration.ofSeconds(6));
        ledger.count("get refunds refresh " + refreshed.status);
      }
    }

    private Answer refund(BillSeen bill, String key, String refundId, BigDecimal amount, long deadline) {
      JsonObject body = new JsonObject().put("amount", amount.toPlainString());
      if (refundId != null) {
        body.put("refundId", refundId);
      }
      Answer answer = idempotent("refund", "/v1/bills/" + bill.billId + "/refunds", key, body, deadline);
      if (answer.status == 201) {
        ledger.acceptedRefunds.add(new AcceptedRefund(bill.billId, answer.json().getString("refundId"), amount));
      }
      return answer;
    }

    private BigDecimal share(BillSeen bill, int percent) {
      return bill.amount.multiply(BigDecimal.valueOf(percent)).divide(BigDecimal.valueOf(100), 2, RoundingMode.DOWN);
    }

    private void singleRefund(BillSeen bill, int n, long deadline) {
      String key = "refund-" + run + "-" + n + "-a";
      Answer first = refund(bill, key, "r" + Integer.toString(n, 36), share(bill, 40), deadline);
      if (first.status == 201) {
        // A client that never saw the answer sends it again: the stored answer comes back.
        refund(bill, key, "r" + Integer.toString(n, 36), share(bill, 40), deadline);
      }
    }

    private void concurrentRefunds(BillSeen bill, int n, long deadline) {
      CompletableFuture<Answer> other = CompletableFuture.supplyAsync(
          () -> refund(bill, "refund-" + run + "-" + n + "-b", null, share(bill, 60), deadline), aux);
      refund(bill, "refund-" + run + "-" + n + "-a", "c" + Integer.toString(n, 36), share(bill, 60), deadline);
      other.join();
      ledger.count("concurrent refund pairs");
    }

    private void refundsWithFailure(BillSeen bill, int n, long deadline) {
      for (int i = 0; i < 4; i++) {
        Answer answer = refund(bill, "refund-" + run + "-" + n + "-" + i, "f" + Integer.toString(n, 36) + i,
            share(bill, 30), deadline);
        if (i == 1 && answer.status == 201) {
          // QIWI fails this refund (unless it settled first): its amount is free again for the fourth.
          Answer settled = http.post(sandboxBase + "/sandbox/bills/" + bill.billId + "/refunds/"
              + answer.json().getString("refundId") + "/settle?status=fail", null, null, Duration.ofSeconds(5));
          ledger.count("sandbox refund fail " + settled.status);
        }
      }
    }

    /** Late news that contradicts a final status must be answered 200 and change nothing. */
    private void lateConflicts(BillSeen bill, String other, long deadline) {
      notifyCopy(bill, other);
      notifyCopy(bill, "waiting");
      ledger.count("late conflicting notifications");
      awaitFinal(bill, deadline);
    }

    private void cancelFlow(BillSeen bill, int n, long deadline) {
      Answer cancelled = idempotent("cancel", "/v1/bills/" + bill.billId + "/cancel", "cancel-" + run + "-" + n,
          new JsonObject(), deadline);
      if (cancelled.status == 200) {
        ledger.seeFinal(bill.billId, cancelled.json().getString("status"));
      }
      if (awaitFinal(bill, deadline) != null) {
        lateConflicts(bill, "paid", deadline);
      }
    }

    private void sandboxFinish(BillSeen bill, String action, String status, long deadline) {
      if (sandboxAction(bill.billId, action).status == 200) {
        notifyCopy(bill, status);
      }
      awaitFinal(bill, deadline);
    }

    /** Cancel through the gateway while the buyer pays at QIWI: whichever wins, all parties must agree. */
    private void raceFlow(BillSeen bill, int n, long deadline) {
      CompletableFuture<Answer> payment = CompletableFuture.supplyAsync(() -> sandboxAction(bill.billId, "pay"), aux);
      Answer cancelled = idempotent("cancel", "/v1/bills/" + bill.billId + "/cancel", "cancel-" + run + "-" + n,
          new JsonObject(), deadline);
      if (cancelled.status == 200) {
        ledger.seeFinal(bill.billId, cancelled.json().getString("status"));
      }
      payment.join();
      ledger.count("cancel-versus-pay races");
      awaitFinal(bill, deadline);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // chaos

  private final class Chaos {

    private final long start;

    Chaos(long start) {
      this.start = start;
    }

    void run() {
      try {
        at(8);
        injectFaults();
        at(18);
        killAfterAck(replicas.get(0));
        at(42);
        terminate(replicas.get(1));
        at(62);
        restartPostgres();
        at(80);
        killAfterAck(replicas.get(2));
      } catch (Exception e) {
        chaosFailures.add("chaos schedule aborted: " + e);
        log("chaos schedule aborted: " + e);
      }
    }

    private void at(long second) {
      sleep(TimeUnit.NANOSECONDS.toMillis(start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime()));
    }

    private void note(String what) {
      String line = String.format(Locale.ROOT, "t+%5.1fs %s", (System.nanoTime() - start) / 1e9, what);
      chaosLog.add(line);
      log("chaos: " + what);
    }

    private void injectFaults() {
      List<JsonObject> rules = List.of(
          new JsonObject().put("fault", "duplicates").put("copies", 3).put("count", 40),
          new JsonObject().put("fault", "outOfOrder").put("holdMs", 1500).put("count", 6),
          new JsonObject().put("fault", "latency").put("latencyMs", 2500)
              .put("operations", new JsonArray().add("issue"))
              .put("count", 6),
          new JsonObject().put("fault", "drop").put("applied", true).put("operations", new JsonArray().add("issue"))
              .put("count", 4),
          new JsonObject().put("fault", "http5xx").put("status", 503).put("applied", true)
              .put("operations", new JsonArray().add("refund")).put("count", 4),
          new JsonObject().put("fault", "drop").put("applied", true).put("operations", new JsonArray().add("cancel"))
              .put("count", 2));
      for (JsonObject rule : rules) {
        Answer added = http.post(sandboxBase + "/sandbox/faults", rule.encode(), "application/json",
            Duration.ofSeconds(5));
        if (added.status != 201) {
          chaosFailures.add("sandbox refused fault " + rule.encode() + ": " + added.status + " " + added.body);
        }
      }
      note("sandbox faults on: duplicate and out-of-order notifications, slow and lost issue answers, "
          + "lost refund and cancel answers");
    }

    /** SIGKILL a replica the moment it has acknowledged a notification, with a burst of copies in flight. */
    private void killAfterAck(Child victim) throws Exception {
      CompletableFuture<Long> fired = proxy.killOnNextAck(victim);
      burstOfCopies();
      Long ackSeq;
      try {
        ackSeq = fired.get(20, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException none) {
        proxy.disarm();
        chaosFailures.add(victim.name + ": no acknowledged notification within 20 s; killed without one");
        ackSeq = null;
      }
      victim.sigkill();
      note("SIGKILL " + victim.name + (ackSeq == null ? "" : " right after it acknowledged notification #" + ackSeq)
          + " (exit " + victim.process.exitValue() + ")");
      sleep(1500);
      restart(victim);
    }

    /** Copies of notifications of bills already final: legitimate duplicates that keep every replica acking. */
    private void burstOfCopies() {
      List<BillSeen> finals = new ArrayList<>();
      for (Map.Entry<String, Set<String>> seen : ledger.finalsSeen.entrySet()) {
        BillSeen bill = ledger.bills.get(seen.getKey());
        if (bill != null && seen.getValue().size() == 1) {
          finals.add(bill);
        }
      }
      Collections.shuffle(finals);
      for (BillSeen bill : finals.subList(0, Math.min(30, finals.size()))) {
        String status = ledger.finalsSeen.get(bill.billId).iterator().next();
        aux.submit(() -> notifyCopy(bill, status));
      }
      ledger.count("burst copies sent", Math.min(30, finals.size()));
    }

    private void terminate(Child victim) throws Exception {
      long begun = System.nanoTime();
      Integer exit = victim.sigterm(Duration.ofSeconds(20));
      double took = (System.nanoTime() - begun) / 1e9;
      String result = victim.name + " SIGTERM during traffic: "
          + (exit == null ? "did not exit within 20 s" : "exit " + exit)
          + String.format(Locale.ROOT, " in %.1f s", took);
      sigtermResults.add(result);
      if (exit == null || (exit != 0 && exit != 143)) {
        sigtermFailures.add(result);
      }
      victim.routable = false;
      note("SIGTERM " + victim.name + ": " + (exit == null ? "no exit" : "exit " + exit)
          + String.format(Locale.ROOT, " after %.1f s", took));
      sleep(1000);
      restart(victim);
    }

    private void restart(Child victim) {
      long begun = System.nanoTime();
      try {
        startReplica(victim);
        note(String.format(Locale.ROOT, "restarted %s, ready after %.1f s", victim.name,
            (System.nanoTime() - begun) / 1e9));
      } catch (RuntimeException e) {
        chaosFailures.add("restart of " + victim.name + " failed: " + e.getMessage());
        note("restart of " + victim.name + " FAILED: " + e.getMessage());
      }
    }

    private void restartPostgres() throws Exception {
      long begun = System.nanoTime();
      long firstNotification = proxy.lastSeq() + 1;
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", "source \"$1\" && pg_local_restart \"$2\"",
          "pg-restart",          options.pgLib().toString(), options.pgDir().toString());
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(options.work().resolve("logs/pg-restart.log").toFile()));
      int exit = builder.start().waitFor();
      if (exit != 0) {
        chaosFailures.add("pg_local_restart exited " + exit);
      }
      note(String.format(Locale.ROOT, "PostgreSQL restarted (pg_local_restart exit %d, %.1f s; notifications #%d..#%d "
          + "answered meanwhile)", exit, (System.nanoTime() - begun) / 1e9, firstNotification, proxy.lastSeq()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // quiescence and shutdown

  private JsonArray query(String sql) {
    try {
      Path errors = options.work().resolve("logs/psql.err");
      ProcessBuilder builder = new ProcessBuilder(options.psql(), "-X", "-q", "-h", "127.0.0.1", "-p",
          String.valueOf(options.pgPort()), "-U", "postgres", "-d", "gateway", "-tA", "-v", "ON_ERROR_STOP=1", "-c",
          "SELECT coalesce(json_agg(t), '[]'::json) FROM (" + sql + ") t");
      builder.redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()));
      Process psql = builder.start();
      String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (psql.waitFor() != 0) {
        throw new IllegalStateException("psql failed for: " + sql + " (see logs/psql.err)");
      }
      return new JsonArray(out);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("psql failed: " + e, e);
    }
  }

  private Map<String, JsonObject> sandboxBills() {
    Answer answer = http.get(sandboxBase + "/sandbox/bills", Duration.ofSeconds(20));
    if (answer.status != 200) {
      throw new IllegalStateException("sandbox bill list: " + answer.status);
    }
    Map<String, JsonObject> bills = new TreeMap<>();
    answer.json().getJsonArray("bills").forEach(b -> bills.put(((JsonObject) b).getString("billId"), (JsonObject) b));
    return bills;
  }

  private void awaitQuiescence() {
    http.delete(sandboxBase + "/sandbox/faults");
    long begun = System.nanoTime();
    long deadline = secondsFromNow(150);
    String last = "";
    while (System.nanoTime() < deadline) {
      List<String> busy = new ArrayList<>();
      JsonObject counts = query("SELECT (SELECT count(*) FROM bill WHERE issue_state = 'pending') AS pending_issues, "
          + "(SELECT count(*) FROM refund WHERE request_state = 'pending') AS pending_refund_requests, "
          + "(SELECT count(*) FROM event WHERE delivery_state = 'pending') AS undelivered_events, "
          + "(SELECT count(*) FROM idempotency_key WHERE state = 'in_progress') AS open_keys").getJsonObject(0);
      counts.forEach(entry -> {
        if (((Number) entry.getValue()).longValue() > 0) {
          busy.add(entry.getKey() + "=" + entry.getValue());
        }
      });
      Map<String, JsonObject> atQiwi = sandboxBills();
      int billsBehind = 0;
      int refundsBehind = 0;
      for (Object row : query("SELECT bill_id, status FROM bill WHERE issue_state = 'issued'")) {
        JsonObject bill = (JsonObject) row;
        JsonObject remote = atQiwi.get(bill.getString("bill_id"));
        if (remote != null && !remote.getString("status").equals(bill.getString("status"))) {
          billsBehind++;
        }
      }
      for (Object row : query("SELECT bill_id, refund_id, status FROM refund WHERE request_state = 'accepted'")) {
        JsonObject refund = (JsonObject) row;
        String remote = sandboxRefundStatus(atQiwi, refund.getString("bill_id"), refund.getString("refund_id"));
        if (remote != null && !remote.equals(refund.getString("status"))) {
          refundsBehind++;
        }
      }
      if (billsBehind > 0) {
        busy.add("bills behind QIWI=" + billsBehind);
      }
      if (refundsBehind > 0) {
        busy.add("refunds behind QIWI=" + refundsBehind);
      }
      long deliveries = http.get(sandboxBase + "/sandbox/notifications", Duration.ofSeconds(20)).json()
          .getJsonArray("deliveries", new JsonArray()).stream()
          .filter(d -> "pending".equals(((JsonObject) d).getString("state"))).count();
      if (deliveries > 0) {
        busy.add("QIWI notifications undelivered=" + deliveries);
      }
      if (busy.isEmpty()) {
        quiescence = String.format(Locale.ROOT, "reached %.0f s after traffic", (System.nanoTime() - begun) / 1e9);
        log("quiescent: " + quiescence);
        return;
      }
      String now = String.join(", ", busy);
      if (!now.equals(last)) {
        log("waiting for quiescence: " + now);
        last = now;
      }
      sleep(1000);
    }
    quiescence = "NOT reached within 150 s: " + last;
    log("quiescence not reached: " + last);
  }

  private static String sandboxRefundStatus(Map<String, JsonObject> atQiwi, String billId, String refundId) {
    JsonObject bill = atQiwi.get(billId);
    if (bill == null) {
      return null;
    }
    for (Object r : bill.getJsonArray("refunds", new JsonArray())) {
      if (refundId.equals(((JsonObject) r).getString("refundId"))) {
        return ((JsonObject) r).getString("status");
      }
    }
    return null;
  }

  /** Every replica gets SIGTERM at the end too: each must drain and exit 0 (or 143). */
  private void stopReplicas() throws InterruptedException {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Child replica : replicas) {
      replica.routable = false;
      stops.add(CompletableFuture.runAsync(() -> {
        try {
          Integer exit = replica.sigterm(Duration.ofSeconds(25));
          String result = replica.name + " SIGTERM at the end: "
              + (exit == null ? "did not exit within 25 s" : "exit " + exit);
          sigtermResults.add(result);
          if (exit == null || (exit != 0 && exit != 143)) {
            sigtermFailures.add(result);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, aux));
    }
    stops.forEach(CompletableFuture::join);
    log("replicas stopped: " + sigtermResults);
  }

  private void shutDown() {
    for (Child child : replicas) {
      if (child.process != null && child.process.isAlive()) {
        child.process.destroyForcibly();
      }
    }
    if (sandbox != null && sandbox.process != null) {
      sandbox.process.destroy();
      try {
        sandbox.process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sandbox.process.destroyForcibly();
    }
    aux.shutdownNow();
    if (vertx != null) {
      try {
        await(vertx.close(), 10);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the audit

  static final class Check {
    final String name;
    int examined;
    final List<String> violations = new ArrayList<>();

    Check(String name) {
      this.name = name;
    }

    void violation(String detail) {
      violations.add(detail);
    }
  }

  private final class Audit {

    private final Map<String, JsonObject> dbBills = new TreeMap<>();
    private final Map<String, List<JsonObject>> dbRefunds = new TreeMap<>();
    private final List<JsonObject> dbEvents = new ArrayList<>();
    private final Map<String, List<JsonObject>> inboxByBody = new HashMap<>();
    private final Map<String, JsonObject> atQiwi;
    private final List<Exchange> exchanges;
    private final List<Delivery> deliveries;
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, Long> summary = new LinkedHashMap<>();

    Audit() {
      query("SELECT bill_id, amount::text AS amount, status, issue_state, created_by_key, comment FROM bill")
          .forEach(r -> dbBills.put(((JsonObject) r).getString("bill_id"), (JsonObject) r));
      query("SELECT bill_id, refund_id, amount::text AS amount, status, request_state FROM refund")
          .forEach(r -> dbRefunds.computeIfAbsent(((JsonObject) r).getString("bill_id"), k -> new ArrayList<>())
              .add((JsonObject) r));
      query("SELECT seq, id, txid::text AS txid, bill_id, refund_id, type, delivery_state, "
          + "payload -> 'data' ->> 'status' AS data_status FROM event ORDER BY txid, seq")
          .forEach(r -> dbEvents.add((JsonObject) r));
      query("SELECT bill_id, status, raw_body, verdict FROM notification_inbox")
          .forEach(r -> inboxByBody.computeIfAbsent(((JsonObject) r).getString("raw_body"), k -> new ArrayList<>())
              .add((JsonObject) r));
      atQiwi = sandboxBills();
      synchronized (proxy.notifications) {
        exchanges = new ArrayList<>(proxy.notifications);
      }
      synchronized (receiver.deliveries) {
        deliveries = new ArrayList<>(receiver.deliveries);
      }
    }

    int run() {
      acknowledgedNotificationsRecorded();
      acknowledgedNotificationsApplied();
      oneQiwiBillPerCreate();
      replaysIdentical();
      oneQiwiRefundPerGatewayRefund();
      finalStatusesNeverChanged();
      eventsDeliveredAtLeastOnce();
      eventsInOrderPerBill();
      webhookSignatures();
      refundsNeverAboveBill();
      sigtermsClean();
      scenarioRan();
      printSummary();
      return printTable();
    }

    private Check check(String name) {
      Check check = new Check(name);
      checks.add(check);
      return check;
    }

    private void acknowledgedNotificationsRecorded() {
      Check check = check("acked notifications recorded (inbox row each)");
      Map<String, List<Exchange>> acks = new LinkedHashMap<>();
      for (Exchange exchange : exchanges) {
        if (exchange.acked()) {
          check.examined++;
          acks.computeIfAbsent(exchange.body(), k -> new ArrayList<>()).add(exchange);
        }
      }
      acks.forEach((body, acked) -> {
        int rows = inboxByBody.getOrDefault(body, List.of()).size();
        if (rows < acked.size()) {
          Map<String, String> fields = FormCodec.decode(body);
          // Which of identical copies lost its row cannot be told: every ack of the body is named.
          String by = acked.stream().map(e -> e.replica() + " #" + e.seq()).toList().toString();
          for (int missing = rows; missing < acked.size(); missing++) {
            check.violation("bill " + fields.get("bill_id") + " '" + fields.get("status") + "' ("
                + (fields.containsKey("extra_copy") ? "driver copy" : "sent by QIWI") + ") answered 200 "
                + acked.size() + "x " + by + ", recorded " + rows + "x");
          }
        }
      });
    }

    private void acknowledgedNotificationsApplied() {
      Check check = check("acked notifications applied (status or stale)");
      Set<String> bodies = new HashSet<>();
      for (Exchange exchange : exchanges) {
        if (exchange.acked()) {
          bodies.add(exchange.body());
        }
      }
      for (String body : bodies) {
        Map<String, String> fields = FormCodec.decode(body);
        String status = fields.get("status");
        if (!FINAL.contains(status)) {
          continue;
        }
        check.examined++;
        JsonObject bill = dbBills.get(fields.get("bill_id"));
        if (bill == null) {
          check.violation("bill " + fields.get("bill_id") + ": '" + status + "' answered 200 for a bill the gateway "
              + "does not have");
          continue;
        }
        boolean applied = status.equals(bill.getString("status"));
        boolean stale = FINAL.contains(bill.getString("status")) && inboxByBody.getOrDefault(body, List.of()).stream()
            .anyMatch(row -> "stale".equals(row.getString("verdict")));
        if (!applied && !stale) {
          check.violation("bill " + fields.get("bill_id") + ": '" + status + "' answered 200 but the bill is '"
              + bill.getString("status") + "' and no stale verdict was recorded");
        }
      }
    }

    private void oneQiwiBillPerCreate() {
      Check check = check("one QIWI bill per create (no duplicate)");
      Map<String, List<String>> qiwiBillsByComment = new HashMap<>();
      atQiwi.values().forEach(b -> qiwiBillsByComment.computeIfAbsent(b.getString("comment"), k -> new ArrayList<>())
          .add(b.getString("billId")));
      for (Map.Entry<String, String> create : ledger.createComments.entrySet()) {
        check.examined++;
        List<String> atSandbox = qiwiBillsByComment.getOrDefault(create.getValue(), List.of());
        if (atSandbox.size() > 1) {
          check.violation("create key " + create.getKey() + " made " + atSandbox.size() + " QIWI bills " + atSandbox);
        }
        Set<String> answered = new HashSet<>();
        ledger.answersByKey.getOrDefault(create.getKey(), List.of()).stream()
            .filter(a -> a.answer().status == 201).forEach(a -> answered.add(a.answer().json().getString("billId")));
        if (answered.size() > 1) {
          check.violation("create key " + create.getKey() + " answered 201 with different bills " + answered);
        }
      }
      for (JsonObject remote : atQiwi.values()) {
        JsonObject local = dbBills.get(remote.getString("billId"));
        if (local == null || !"issued".equals(local.getString("issue_state"))) {
          check.violation("QIWI bill " + remote.getString("billId") + " has no issued gateway bill ("
              + (local == null ? "none" : local.getString("issue_state")) + ")");
        }
      }
      Map<String, Integer> perKey = new HashMap<>();
      for (JsonObject local : dbBills.values()) {
        perKey.merge(local.getString("created_by_key"), 1, Integer::sum);
        if ("issued".equals(local.getString("issue_state")) && !atQiwi.containsKey(local.getString("bill_id"))) {
          check.violation("gateway bill " + local.getString("bill_id") + " is issued but unknown to QIWI");
        }
      }
      perKey.forEach((key, count) -> {
        if (count > 1) {
          check.violation("idempotency key " + key + " created " + count + " gateway bills");
        }
      });
    }

    private void replaysIdentical() {
      Check check = check("idempotent replays identical (same key)");
      for (Map.Entry<String, List<KeyAnswer>> key : ledger.answersByKey.entrySet()) {
        List<KeyAnswer> finals;
        synchronized (key.getValue()) {
          finals = key.getValue().stream().filter(a -> a.answer().ok()).toList();
        }
        if (finals.size() < 2) {
          continue;
        }
        check.examined++;
        Answer first = finals.get(0).answer();
        for (KeyAnswer later : finals.subList(1, finals.size())) {
          if (later.answer().status != first.status || !later.answer().body.equals(first.body)) {
            check.violation("key " + key.getKey() + ": " + first.status + " " + first.body + " then "
                + later.answer().status + " " + later.answer().body);
            break;
          }
        }
      }
    }

    private void oneQiwiRefundPerGatewayRefund() {
      Check check = check("one QIWI refund per gateway refund");
      Set<String> billIds = new HashSet<>(dbRefunds.keySet());
      atQiwi.values().stream().filter(b -> !b.getJsonArray("refunds", new JsonArray()).isEmpty())
          .forEach(b -> billIds.add(b.getString("billId")));
      for (String billId : billIds) {
        Map<String, JsonObject> accepted = new TreeMap<>();
        for (JsonObject refund : dbRefunds.getOrDefault(billId, List.of())) {
          check.examined++;
          if ("accepted".equals(refund.getString("request_state"))) {
            accepted.put(refund.getString("refund_id"), refund);
          } else if ("pending".equals(refund.getString("request_state"))) {
            check.violation("bill " + billId + " refund " + refund.getString("refund_id") 
                + " still pending after quiescence");
          }
        }
        Map<String, JsonObject> remote = new TreeMap<>();
        JsonObject qiwiBill = atQiwi.get(billId);
        if (qiwiBill != null) {
          qiwiBill.getJsonArray("refunds", new JsonArray())
              .forEach(r -> remote.put(((JsonObject) r).getString("refundId"), (JsonObject) r));
        }
        if (!accepted.keySet().equals(remote.keySet())) {
          check.violation("bill " + billId + ": gateway accepted refunds " + accepted.keySet() + ", QIWI holds "
              + remote.keySet());
        }
        accepted.forEach((id, refund) -> {
          JsonObject other = remote.get(id);
          if (other != null
              && new BigDecimal(other.getString("amount")).compareTo(new BigDecimal(refund.getString("amount"))) != 0) {
            check.violation("bill " + billId + " refund " + id + ": amount " + refund.getString("amount") + " here, "
                + other.getString("amount") + " at QIWI");
          }
        });
      }
      for (AcceptedRefund refund : ledger.acceptedRefunds) {
        boolean known = dbRefunds.getOrDefault(refund.billId(), List.of()).stream()
            .anyMatch(r -> r.getString("refund_id").equals(refund.refundId())
                && "accepted".equals(r.getString("request_state")));
        if (!known) {
          check.violation("refund " + refund.billId() + "/" + refund.refundId()
              + " answered 201 but not accepted in the gateway");
        }
      }
    }

    private void finalStatusesNeverChanged() {
      Check check = check("final statuses never changed");
      Map<String, List<JsonObject>> eventsByBill = new HashMap<>();
      dbEvents.forEach(e -> eventsByBill.computeIfAbsent(e.getString("bill_id"), k -> new ArrayList<>()).add(e));
      for (JsonObject bill : dbBills.values()) {
        if (!"issued".equals(bill.getString("issue_state"))) {
          continue;
        }
        check.examined++;
        String billId = bill.getString("bill_id");
        String status = bill.getString("status");
        Set<String> seen = ledger.finalsSeen.getOrDefault(billId, Set.of());
        if (seen.size() > 1 || (!seen.isEmpty() && !seen.contains(status))) {
          check.violation("bill " + billId + ": driver saw final statuses " + seen + ", gateway now '" + status + "'");
        }
        JsonObject remote = atQiwi.get(billId);
        if (remote != null && !remote.getString("status").equals(status)) {
          check.violation("bill " + billId + ": gateway '" + status + "', QIWI '" + remote.getString("status") + "'");
        }
        List<JsonObject> events = eventsByBill.getOrDefault(billId, List.of());
        List<String> finalEvents = events.stream().map(e -> e.getString("type"))
            .filter(t -> t.startsWith("bill.") && FINAL.contains(t.substring(5))).toList();
        long waitingEvents = events.stream().filter(e -> "bill.waiting".equals(e.getString("type"))).count();
        boolean consistent = FINAL.contains(status) ? finalEvents.equals(List.of("bill." + status))
            : finalEvents.isEmpty();
        if (!consistent || waitingEvents > 1) {
          check.violation("bill " + billId + " '" + status + "' has bill events " + events.stream()
              .map(e -> e.getString("type")).toList());
        }
        Map<String, List<String>> refundEvents = new HashMap<>();
        events.stream().filter(e -> e.getString("refund_id") != null).forEach(e ->
            refundEvents.computeIfAbsent(e.getString("refund_id"), k -> new ArrayList<>()).add(e.getString("type")));
        refundEvents.forEach((refundId, types) -> {
          long finals = types.stream().filter(t -> t.equals("refund.succeeded") || t.equals("refund.failed")).count();
          long processing = types.stream().filter(t -> t.equals("refund.processing")).count();
          if (finals > 1 || processing > 1) {
            check.violation("refund " + billId + "/" + refundId + " has events " + types);
          }
        });
        for (JsonObject refund : dbRefunds.getOrDefault(billId, List.of())) {
          String there = sandboxRefundStatus(atQiwi, billId, refund.getString("refund_id"));
          if (there != null && !there.equals(refund.getString("status"))) {
            check.violation("refund " + billId + "/" + refund.getString("refund_id") + ": gateway '"
                + refund.getString("status") + "', QIWI '" + there + "'");
          }
        }
      }
    }

    private Map<String, Long> firstDeliveries() {
      Map<String, Long> first = new HashMap<>();
      for (Delivery delivery : deliveries) {
        if (delivery.signatureValid() && delivery.answered() / 100 == 2 && delivery.webhookId() != null) {
          first.merge(delivery.webhookId(), delivery.seq(), Math::min);
        }
      }
      return first;
    }

    private void eventsDeliveredAtLeastOnce() {
      Check check = check("every event delivered at least once");
      Map<String, Long> first = firstDeliveries();
      Map<String, JsonObject> byId = new HashMap<>();
      for (JsonObject event : dbEvents) {
        check.examined++;
        byId.put(event.getString("id"), event);
        if (!first.containsKey(event.getString("id"))) {
          check.violation("event " + event.getString("id") + " " + event.getString("type") + " of bill "
              + event.getString("bill_id") + " never delivered (state " + event.getString("delivery_state") + ")");
        } else if (!"delivered".equals(event.getString("delivery_state"))) {
          check.violation("event " + event.getString("id") + " delivered but recorded '"
              + event.getString("delivery_state") + "'");
        }
      }
      Set<String> phantoms = new HashSet<>();
      for (Delivery delivery : deliveries) {
        JsonObject event = delivery.webhookId() == null ? null : byId.get(delivery.webhookId());
        if (event == null && phantoms.add(String.valueOf(delivery.webhookId()))) {
          check.violation("webhook " + delivery.webhookId() + " (" + delivery.type() + ") is no committed event");
        } else if (event != null && !event.getString("type").equals(delivery.type())) {
          check.violation("webhook " + delivery.webhookId() + " carried " + delivery.type() + ", event is "
              + event.getString("type"));
        }
      }
    }

    private void eventsInOrderPerBill() {
      Check check = check("events in order per bill (first deliveries)");
      Map<String, Long> first = firstDeliveries();
      Map<String, List<JsonObject>> eventsByBill = new LinkedHashMap<>();
      dbEvents.stream()
          .sorted(Comparator.comparing((JsonObject e) -> Long.parseLong(e.getString("txid")))
              .thenComparing(e -> e.getLong("seq")))
          .forEach(e -> eventsByBill.computeIfAbsent(e.getString("bill_id"), k -> new ArrayList<>()).add(e));
      eventsByBill.forEach((billId, events) -> {
        check.examined++;
        long previous = -1;
        String previousType = null;
        for (JsonObject event : events) {
          Long arrival = first.get(event.getString("id"));
          if (arrival == null) {
            continue;
          }
          if (arrival < previous) {
            check.violation("bill " + billId + ": " + event.getString("type") + " first arrived before "
                + previousType + " although committed after it");
            break;
          }
          previous = arrival;
          previousType = event.getString("type");
        }
      });
    }

    private void webhookSignatures() {
      Check check = check("webhook signatures valid");
      for (Delivery delivery : deliveries) {
        check.examined++;
        if (!delivery.signatureValid()) {
          check.violation("webhook " + delivery.webhookId() + " (" + delivery.type() + ") has a bad signature");
        }
      }
    }

    private void refundsNeverAboveBill() {
      Check check = check("refunds never above the bill");
      for (JsonObject bill : dbBills.values()) {
        List<JsonObject> refunds = dbRefunds.getOrDefault(bill.getString("bill_id"), List.of());
        JsonObject remote = atQiwi.get(bill.getString("bill_id"));
        boolean remoteRefunds = remote != null && !remote.getJsonArray("refunds", new JsonArray()).isEmpty();
        if (refunds.isEmpty() && !remoteRefunds) {
          continue;
        }
        check.examined++;
        BigDecimal amount = new BigDecimal(bill.getString("amount"));
        BigDecimal here = refunds.stream()
            .filter(r -> !"fail".equals(r.getString("status")) && !"refused".equals(r.getString("request_state")))
            .map(r -> new BigDecimal(r.getString("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (here.compareTo(amount) > 0) {
          check.violation("bill " + bill.getString("bill_id") + ": refunds not failed " + here + " > amount " + amount);
        }
        if (remote != null) {
          BigDecimal there = remote.getJsonArray("refunds", new JsonArray()).stream().map(r -> (JsonObject) r)
              .filter(r -> !"fail".equals(r.getString("status")))
              .map(r -> new BigDecimal(r.getString("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
          if (there.compareTo(new BigDecimal(remote.getString("amount"))) > 0) {
            check.violation("bill " + bill.getString("bill_id") + " at QIWI: refunds " + there + " > amount "
                + remote.getString("amount"));
          }
        }
      }
    }

    private void sigtermsClean() {
      Check check = check("SIGTERM drains, exit 0/143");
      check.examined = sigtermResults.size();
      sigtermFailures.forEach(check::violation);
      if (sigtermResults.size() < 4) {
        check.violation("expected 4 SIGTERMs (1 during traffic, 3 at the end), saw " + sigtermResults.size());
      }
    }

    /** The audit must not pass on a run that never exercised what it claims to. */
    private void scenarioRan() {
      Check check = check("scenario ran (chaos, quiescence, coverage)");
      chaosFailures.forEach(check::violation);
      if (ledger.stat("flow error") > 0) {
        check.violation(ledger.stat("flow error") + " driver flows failed unexpectedly (see the log above)");
      }
      check.examined++;
      if (!quiescence.startsWith("reached")) {
        check.violation("quiescence " + quiescence);
      }
      long driverAcks = exchanges.stream().filter(e -> e.acked() && e.origin().equals("driver")).count();
      long qiwiAcks = exchanges.stream().filter(e -> e.acked() && e.origin().equals("sandbox")).count();
      long stale = inboxByBody.values().stream().flatMap(List::stream)
          .filter(r -> "stale".equals(r.getString("verdict"))).count();
      long duplicates = inboxByBody.values().stream().flatMap(List::stream)
          .filter(r -> "duplicate".equals(r.getString("verdict"))).count();
      long webhookFailures = deliveries.stream().filter(d -> d.answered() == 500).count();
      Map<String, Long> coverage = new LinkedHashMap<>();
      coverage.put("bills issued", (long) ledger.bills.size());
      coverage.put("create retries", (long) ledger.stat("create retried"));
      coverage.put("creates sent twice at once", (long) ledger.stat("create sent twice at once"));
      coverage.put("QIWI notifications acked", qiwiAcks);
      coverage.put("driver notification copies acked", driverAcks);
      coverage.put("duplicate verdicts", duplicates);
      coverage.put("stale verdicts", stale);
      coverage.put("refunds accepted", (long) ledger.acceptedRefunds.size());
      coverage.put("refunds refused as exceeding", (long) ledger.stat("refund 422:refund_exceeds_paid"));
      coverage.put("cancels answered 200", (long) ledger.stat("cancel 200"));
      coverage.put("refreshes answered 200", (long) ledger.stat("get bill refresh 200"));
      coverage.put("webhook retries provoked", webhookFailures);
      coverage.forEach((what, count) -> {
        check.examined++;
        if (count == 0) {
          check.violation("scenario never exercised: " + what);
        }
      });
      check.examined += chaosLog.size();
      if (chaosLog.stream().filter(l -> l.contains("SIGKILL")).count() < 2
          || chaosLog.stream().noneMatch(l -> l.contains("PostgreSQL restarted"))
          || chaosLog.stream().noneMatch(l -> l.contains("SIGTERM"))) {
        check.violation("chaos schedule incomplete: " + chaosLog);
      }
      summary.putAll(coverage);
    }

    private void printSummary() {
      System.out.println();
      System.out.println("== scenario (" + options.label() + ") ==");
      chaosLog.forEach(line -> System.out.println("  chaos   " + line));
      sigtermResults.forEach(line -> System.out.println("  stop    " + line));
      System.out.println("  quiet   " + quiescence);
      StringBuilder counts = new StringBuilder();
      summary.forEach((what, count) -> counts.append(what).append('=').append(count).append("; "));
      System.out.println("  counts  " + counts.toString().trim());
      Map<String, Integer> answers = new TreeMap<>();
      ledger.stats.forEach((name, count) -> answers.put(name, count.get()));
      System.out.println("  driver  " + answers);
      Map<String, Integer> proxied = new TreeMap<>();
      proxy.answers.forEach((status, count) -> proxied.put(status, count.get()));
      System.out.println("  proxy   answers by status " + proxied + ", notifications " + exchanges.size());
      Map<String, Long> verdicts = new TreeMap<>();
      inboxByBody.values().stream().flatMap(List::stream)
          .forEach(r -> verdicts.merge(r.getString("verdict"), 1L, Long::sum));
      System.out.println("  inbox   " + verdicts + "; gateway bills " + dbBills.size() + ", refunds "
          + dbRefunds.values().stream().mapToInt(List::size).sum() + ", events " + dbEvents.size()
          + "; webhook requests " + deliveries.size());
    }

    private int printTable() {
      System.out.println();
      System.out.println("== audit (" + options.label() + ") ==");
      String format = "%-46s %9s %11s%n";
      System.out.printf(Locale.ROOT, format, "check", "examined", "violations");
      System.out.printf(Locale.ROOT, format, "-".repeat(46), "-".repeat(9), "-".repeat(11));
      List<String> failed = new ArrayList<>();
      for (Check check : checks) {
        System.out.printf(Locale.ROOT, format, check.name, check.examined, check.violations.size());
        if (!check.violations.isEmpty()) {
          failed.add(check.name);
        }
      }
      for (Check check : checks) {
        if (check.violations.isEmpty()) {
          continue;
        }
        System.out.println();
        System.out.println("violations of '" + check.name + "' (" + check.violations.size() + "):");
        check.violations.stream().limit(12).forEach(v -> System.out.println("  - " + v));
        if (check.violations.size() > 12) {
          System.out.println("  ... " + (check.violations.size() - 12) + " more");
        }
      }
      System.out.println();
      if (failed.isEmpty()) {
        System.out.println("AUDIT PASSED: every check held");
        return 0;
      }
      System.out.println("AUDIT FAILED: " + String.join("; ", failed));
      return 1;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // small helpers

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static String randomBase64(int count) {
    return Base64.getEncoder().withoutPadding().encodeToString(randomBytes(count));
  }

  private static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
