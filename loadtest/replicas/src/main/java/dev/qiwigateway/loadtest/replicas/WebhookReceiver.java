package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The marketplace's webhook endpoint, on Vert.x (its handler never blocks). It verifies the Standard
 * Webhooks signature and records webhook-id, type, bill and arrival order. About 6% of requests get a
 * 500, so that the gateway's retries and per-bill ordering are exercised under retries.
 */
final class WebhookReceiver {

  private final Vertx vertx;
  private final WebhookSignature signature;
  private final Ledger ledger;
  private final AtomicLong seq = new AtomicLong();
  final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());

  WebhookReceiver(Vertx vertx, byte[] key, Ledger ledger) {
    this.vertx = vertx;
    this.signature = new WebhookSignature(key);
    this.ledger = ledger;
  }

  Future<HttpServer> listen(int port) {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> request.body().onSuccess(body -> receive(request, body)))
        .listen();
  }

  /** A copy of every webhook request so far. */
  List<Delivery> deliveriesSoFar() {
    synchronized (deliveries) {
      return new ArrayList<>(deliveries);
    }
  }

  private void receive(HttpServerRequest request, Buffer body) {
    long arrival = seq.incrementAndGet();
    String id = request.getHeader("webhook-id");
    boolean valid = signature.verify(id, request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
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
}
