package dev.qiwigateway.faults;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A marketplace webhook endpoint that takes the request of some bills' events and never answers it
 * (until healed), and answers 204 for every other bill. It counts the hung requests whose connection
 * is still open, so a test can tell an abandoned attempt from one the gateway left dangling.
 */
final class HangingWebhookReceiver {

  /** One request: its event, and whether it was answered 204 (false: left hanging). */
  record Attempt(String webhookId, String billId, String type, boolean answered) {
  }

  private final Vertx vertx;
  private final Set<String> hangingBills = new HashSet<>();
  private final List<Attempt> attempts = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private int openHung;
  private HttpServer server;

  private record Waiter(Predicate<List<Attempt>> condition, Promise<List<Attempt>> reached) {
  }

  HangingWebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<HangingWebhookReceiver> start() {
    server = vertx.createHttpServer().requestHandler(this::receive);
    return server.listen(0, "127.0.0.1").map(this);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/payments";
  }

  synchronized void hang(String billId) {
    hangingBills.add(billId);
  }

  synchronized void heal() {
    hangingBills.clear();
  }

  /** Hung requests whose connection the gateway has not closed yet. */
  synchronized int openHung() {
    return openHung;
  }

  synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /**
   * Completes with every attempt so far once the condition holds; fails, describing what did arrive,
   * after {@link Eventually#PATIENCE} (an upper bound for a broken build only).
   */
  Future<List<Attempt>> await(String what, Predicate<List<Attempt>> condition) {
    Promise<List<Attempt>> reached = Promise.promise();
    Waiter waiter = new Waiter(condition, reached);
    synchronized (this) {
      waiters.add(waiter);
    }
    long limit = vertx.setTimer(Eventually.PATIENCE.toMillis(), id -> {
      synchronized (this) {
        waiters.remove(waiter);
      }
      reached.tryFail(new AssertionError("never happened: " + what + "; attempts " + attempts()
          + ", hung connections still open " + openHung()));
    });
    settle();
    return reached.future().onComplete(done -> vertx.cancelTimer(limit));
  }

  private void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      JsonObject event = body.toJsonObject();
      String billId = event.getJsonObject("data").getString("billId");
      boolean hangs;
      synchronized (this) {
        hangs = hangingBills.contains(billId);
        attempts.add(new Attempt(request.getHeader("webhook-id"), billId, event.getString("type"), !hangs));
        if (hangs) {
          openHung++;
        }
      }
      if (hangs) {
        request.response().closeHandler(closed -> {
          synchronized (this) {
            openHung--;
          }
        });
      } else {
        request.response().setStatusCode(204).end();
      }
      settle();
    });
  }

  private void settle() {
    List<Runnable> ready = new ArrayList<>();
    synchronized (this) {
      List<Attempt> snapshot = List.copyOf(attempts);
      waiters.removeIf(waiter -> {
        if (waiter.condition().test(snapshot)) {
          ready.add(() -> waiter.reached().tryComplete(snapshot));
          return true;
        }
        return false;
      });
    }
    ready.forEach(Runnable::run);
  }
}
