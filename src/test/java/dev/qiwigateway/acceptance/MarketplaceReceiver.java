package dev.qiwigateway.acceptance;

import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The marketplace's webhook endpoint: a real HTTP server on port 0 that checks every request the way a
 * Standard Webhooks receiver does (written from the specification, not from the gateway's signer),
 * answers 204, and keeps what a receiver that de-duplicates by {@code webhook-id} would count: the
 * distinct ids and the total number of deliveries.
 */
final class MarketplaceReceiver {

  static final String SECRET = TestSecrets.WEBHOOK_SECRET;
  private static final long TOLERANCE_SECONDS = 300;

  /** One delivery as it arrived; {@code signed} says whether its signature verified. */
  record Delivery(String webhookId, boolean signed, JsonObject event) {

    String type() {
      return event.getString("type");
    }

    String billId() {
      return event.getJsonObject("data").getString("billId");
    }
  }

  private record Waiter(Predicate<List<Delivery>> condition, Promise<List<Delivery>> promise) {
  }

  private final Vertx vertx;
  private final List<Delivery> deliveries = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private HttpServer server;

  MarketplaceReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<MarketplaceReceiver> start() {
    return vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1").map(listening -> {
      server = listening;
      return this;
    });
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/qiwi";
  }

  /** The settings that make a gateway deliver here, polling and retrying on a compressed schedule. */
  JsonObject gatewaySettings() {
    return new JsonObject()
        .put("WEBHOOK_URL", url())
        .put("WEBHOOK_SECRET", SECRET)
        .put("WEBHOOK_POLL_MS", "20")
        .put("WEBHOOK_RETRY_BASE_MS", "20")
        .put("WEBHOOK_RETRY_MAX_MS", "100")
        .put("WEBHOOK_TIMEOUT_MS", "2000");
  }

  synchronized List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** What a receiver de-duplicating by webhook-id keeps. */
  synchronized Set<String> distinctIds() {
    Set<String> ids = new LinkedHashSet<>();
    deliveries.forEach(delivery -> ids.add(delivery.webhookId()));
    return ids;
  }

  synchronized List<Delivery> of(String billId) {
    return deliveries.stream().filter(delivery -> billId.equals(delivery.billId())).toList();
  }

  /** Completes with every delivery so far once the condition holds for them. */
  Future<List<Delivery>> await(Predicate<List<Delivery>> condition) {
    Promise<List<Delivery>> promise = Promise.promise();
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
      String id = request.getHeader("webhook-id");
      boolean signed = verifies(id, request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
          body);
      request.response().setStatusCode(204).end();
      List<Runnable> ready;
      synchronized (this) {
        deliveries.add(new Delivery(id, signed, body.toJsonObject()));
        ready = settledWaiters();
      }
      ready.forEach(Runnable::run);
    });
  }

  /** Standard Webhooks: v1,base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)), timestamp recent. */
  static boolean verifies(String id, String timestamp, String signatureHeader, Buffer body) {
    if (id == null || timestamp == null || signatureHeader == null || !timestamp.matches("\\d{1,12}")
        || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > TOLERANCE_SECONDS) {
      return false;
    }
    byte[] expected;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      expected = mac.doFinal(body.getBytes());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    for (String entry : signatureHeader.split(" ")) {
      try {
        if (entry.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(3)))) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // not a signature of ours; the next entry may be
      }
    }
    return false;
  }

  /** Completions run outside the lock, so a test's continuation never runs while holding it. */
  private List<Runnable> settledWaiters() {
    List<Delivery> snapshot = List.copyOf(deliveries);
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
