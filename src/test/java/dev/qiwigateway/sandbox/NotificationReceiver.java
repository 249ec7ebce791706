package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.FormBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * The test's stand-in for the gateway's notification endpoint and the shop's return pages: records
 * every request and answers notifications as the current policy says (by attempt number).
 */
final class NotificationReceiver {

  /** One request as it arrived. */
  record Received(String method, String path, String query, MultiMap headers, String body) {

    Map<String, String> fields() {
      return FormBody.decode(body).orElseThrow(() -> new AssertionError("not a UTF-8 form: " + body));
    }
  }

  /** How to answer a notification: status, content type, body; {@link #silence()} never answers. */
  record Reply(int status, String contentType, String body) {

    static Reply ack(Dialect dialect) {
      return switch (dialect) {
        case REST_V3 -> new Reply(200, "application/json", "{\"error\":0}");
        case PULL_V2 -> new Reply(200, "text/xml", "<?xml version=\"1.0\"?><result><result_code>0</result_code></result>");
        case V1 -> new Reply(200, "application/json", "{\"error\":\"0\"}");
      };
    }

    static Reply silence() {
      return null;
    }

    static Reply temporaryFailure() {
      return new Reply(503, "application/json", "{\"error\":13}");
    }
  }

  private final Vertx vertx;
  private final List<Received> notifications = new CopyOnWriteArrayList<>();
  private final List<Received> shopVisits = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private volatile IntFunction<Reply> policy;
  private HttpServer server;

  private record Waiter(int count, Promise<List<Received>> promise) {
  }

  NotificationReceiver(Vertx vertx, Dialect dialect) {
    this.vertx = vertx;
    this.policy = attempt -> Reply.ack(dialect);
  }

  Future<NotificationReceiver> start() {
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> handle(request, body.toString())))
        .listen(0, "127.0.0.1")
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  String notifyUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/qiwi/notifications";
  }

  String shopUrl(String page) {
    return "http://127.0.0.1:" + server.actualPort() + "/shop/" + page;
  }

  /** Answers the n-th notification (1-based) as the function says. */
  void answer(IntFunction<Reply> newPolicy) {
    this.policy = newPolicy;
  }

  List<Received> notifications() {
    return List.copyOf(notifications);
  }

  List<Received> shopVisits() {
    return List.copyOf(shopVisits);
  }

  /** Completes once at least {@code count} notifications have arrived. */
  Future<List<Received>> received(int count) {
    Promise<List<Received>> promise = Promise.promise();
    synchronized (waiters) {
      waiters.add(new Waiter(count, promise));
    }
    release();
    return promise.future();
  }

  private void handle(HttpServerRequest request, String body) {
    Received received = new Received(request.method().name(), request.path(), request.query(),
        MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
    if (request.path().startsWith("/shop/")) {
      shopVisits.add(received);
      request.response().putHeader("Content-Type", "text/plain").end("back at the shop");
      return;
    }
    notifications.add(received);
    Reply reply = policy.apply(notifications.size());
    if (reply != null) {
      request.response().setStatusCode(reply.status()).putHeader("Content-Type", reply.contentType()).end(reply.body());
    }
    release();
  }

  private void release() {
    synchronized (waiters) {
      waiters.removeIf(waiter -> {
        if (notifications.size() >= waiter.count()) {
          waiter.promise().tryComplete(List.copyOf(notifications));
          return true;
        }
        return false;
      });
    }
  }
}
