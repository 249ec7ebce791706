package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The round-robin HTTP proxy in front of the replicas, on Vert.x (its handlers never block). Merchant
 * traffic and the sandbox's notifications both go through it. A refused connect moves the request to the
 * next replica; a connection lost after sending answers 502. Every notification exchange is recorded.
 */
final class Proxy {

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
    this.replicas = List.copyOf(replicas);
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

  /** A copy of every notification exchange so far. */
  List<Exchange> notificationsSoFar() {
    synchronized (notifications) {
      return new ArrayList<>(notifications);
    }
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
      finish(request, body, null, 502, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("proxy: no replica reachable"));
      return;
    }
    tried.add(target);
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
        .setPort(target.httpPort).setURI(request.uri()).setHeaders(endToEnd(request.headers())).setIdleTimeout(20_000);
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

  private static MultiMap endToEnd(MultiMap headers) {
    MultiMap kept = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(header -> {
      if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        kept.add(header.getKey(), header.getValue());
      }
    });
    return kept;
  }

  private void relay(HttpServerRequest request, Buffer body, Child target, HttpClientResponse response,
      Buffer answer) {
    finish(request, body, target, response.statusCode(), endToEnd(response.headers()), answer);
  }

  private void finish(HttpServerRequest request, Buffer body, Child target, int status, MultiMap headers,
      Buffer answer) {
    answers.computeIfAbsent(String.valueOf(status), k -> new AtomicInteger()).incrementAndGet();
    if (HttpMethod.POST.equals(request.method()) && Fixture.NOTIFY_PATH.equals(request.path())) {
      String agent = request.getHeader("User-Agent");
      Exchange exchange = new Exchange(seq.incrementAndGet(), target == null ? "-" : target.name,
          agent != null && agent.contains("sandbox") ? "sandbox" : "driver", body.toString(StandardCharsets.UTF_8),
          status, answer.toString(StandardCharsets.UTF_8));
      notifications.add(exchange);
      Child victim = killOnAck;
      if (victim != null && victim == target && exchange.acked()) {
        killOnAck = null;
        victim.routable = false;
        // Sends SIGKILL and returns; the chaos thread waits for the exit.
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
