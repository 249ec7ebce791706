package dev.qiwigateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The marketplace's webhook endpoint as a test sees it: a real HTTP server on port 0 that records every
 * request it gets, answers as the test tells it (fail the first N, fail always, succeed; optionally
 * after a delay) and notices when two requests for one webhook-id are in progress at once.
 */
final class WebhookReceiver {

  /** One request as it arrived, with the status it was answered. */
  record Request(String webhookId, String timestamp, String signature, String contentType, Buffer body, int answered) {

    boolean delivered() {
      return answered / 100 == 2;
    }

    JsonObject event() {
      return body.toJsonObject();
    }

    String type() {
      return event().getString("type");
    }

    String billId() {
      return event().getJsonObject("data").getString("billId");
    }
  }

  private final Vertx vertx;
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, Integer> inProgress = new HashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private HttpServer server;
  private int failuresLeft;
  private boolean failAlways;
  private int failureStatus = 500;
  private long answerDelayMs;
  private int overlaps;

  private record Waiter(Predicate<List<Request>> condition, Promise<List<Request>> promise) {
  }

  WebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<WebhookReceiver> start() {
    server = vertx.createHttpServer().requestHandler(this::receive);
    return server.listen(0, "127.0.0.1").map(this);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/qiwi";
  }

  synchronized WebhookReceiver failFirst(int count, int status) {
    failuresLeft = count;
    failureStatus = status;
    return this;
  }

  synchronized WebhookReceiver failAlways(int status) {
    failAlways = true;
    failureStatus = status;
    return this;
  }

  synchronized WebhookReceiver recover() {
    failAlways = false;
    failuresLeft = 0;
    return this;
  }

  synchronized WebhookReceiver answerAfter(long delayMs) {
    answerDelayMs = delayMs;
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> deliveries() {
    return requests.stream().filter(Request::delivered).toList();
  }

  synchronized Set<String> distinctDeliveredIds() {
    Set<String> ids = new LinkedHashSet<>();
    deliveries().forEach(r -> ids.add(r.webhookId()));
    return ids;
  }

  /** How many times a request arrived while another one for the same webhook-id was still unanswered. */
  synchronized int overlaps() {
    return overlaps;
  }

  /** Completes with every request so far once {@code count} of them were answered 2xx. */
  Future<List<Request>> awaitDeliveries(int count) {
    return await(all -> all.stream().filter(Request::delivered).count() >= count);
  }

  Future<List<Request>> await(Predicate<List<Request>> condition) {
    Promise<List<Request>> promise = Promise.promise();
    List<Runnable> ready;
    synchronized (this) {
      waiters.add(new Waiter(condition, promise));
      ready = settledWaiters();
    }
    ready.forEach(Runnable::run);
    return promise.future();
  }

  private void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      int status = begin(request.getHeader("webhook-id"));
      Runnable answer = () -> {
        request.response().setStatusCode(status).end();
        finish(request, body, status);
      };
      long delay = answerDelayMs;
      if (delay > 0) {
        vertx.setTimer(delay, id -> answer.run());
      } else {
        answer.run();
      }
    });
  }

  private synchronized int begin(String webhookId) {
    int running = inProgress.merge(String.valueOf(webhookId), 1, Integer::sum);
    if (running > 1) {
      overlaps++;
    }
    if (failAlways) {
      return failureStatus;
    }
    if (failuresLeft > 0) {
      failuresLeft--;
      return failureStatus;
    }
    return 204;
  }

  private void finish(HttpServerRequest request, Buffer body, int status) {
    String webhookId = request.getHeader("webhook-id");
    List<Runnable> ready;
    synchronized (this) {
      inProgress.merge(String.valueOf(webhookId), -1, Integer::sum);
      requests.add(new Request(webhookId, request.getHeader("webhook-timestamp"),
          request.getHeader("webhook-signature"), request.getHeader("Content-Type"), body, status));
      ready = settledWaiters();
    }
    ready.forEach(Runnable::run);
  }

  /** Completions to run outside the lock, so that a test's continuation never runs while holding it. */
  private List<Runnable> settledWaiters() {
    List<Request> snapshot = List.copyOf(requests);
    List<Runnable> ready = new ArrayList<>();
    waiters.removeIf(waiter -> {
      if (waiter.condition().test(snapshot)) {
        ready.add(() -> waiter.promise().complete(snapshot));
        return true;
      }
      return false;
    });
    return ready;
  }
}
