package dev.qiwigateway.sandbox;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.qiwi.QiwiLifetime;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Speaks the QIWI wire protocol to the sandbox over real HTTP, exactly as qiwi-protocol.md §2 says,
 * so that each test can then break one thing at a time.
 */
final class SandboxClient {

  static final QiwiCredentials CREDENTIALS = QiwiCredentials.of("2042", "23244123", "453Fdgd443", "test");
  static final String FORM_UTF8 = "application/x-www-form-urlencoded; charset=utf-8";
  static final String USER = "tel:+79031234567";

  private final Vertx vertx;
  private final WebClient web;
  private final int port;

  SandboxClient(Vertx vertx, int port) {
    this.vertx = vertx;
    this.web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    this.port = port;
  }

  WebClient web() {
    return web;
  }

  int port() {
    return port;
  }

  /** Valid issue fields: 10.00 RUB, lifetime one day ahead of the given clock. */
  static Map<String, String> billFields(Clock clock) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("user", USER);
    fields.put("amount", "10.00");
    fields.put("ccy", "RUB");
    fields.put("comment", "Order 1842");
    fields.put("lifetime", QiwiLifetime.format(clock.instant().plus(Duration.ofDays(1))));
    return fields;
  }

  static Map<String, String> with(Map<String, String> fields, String name, String value) {
    Map<String, String> changed = new LinkedHashMap<>(fields);
    if (value == null) {
      changed.remove(name);
    } else {
      changed.put(name, value);
    }
    return changed;
  }

  /** The headers a correct client sends in this dialect. */
  static MultiMap headers(QiwiDialect dialect, boolean withBody) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", CREDENTIALS.authorization(dialect))
        .add("Accept", "text/json");
    if (withBody) {
      headers.add("Content-Type", FORM_UTF8);
    }
    return headers;
  }

  static String billPath(QiwiDialect dialect, String billId) {
    return dialect.billPath(CREDENTIALS.prvId(), billId);
  }

  static String refundPath(QiwiDialect dialect, String billId, String refundId) {
    return dialect.refundPath(CREDENTIALS.prvId(), billId, refundId);
  }

  Future<QiwiReply> issue(QiwiDialect dialect, String billId, Map<String, String> fields) {
    return send(HttpMethod.PUT, billPath(dialect, billId), headers(dialect, true), FormCodec.encode(fields));
  }

  Future<QiwiReply> status(QiwiDialect dialect, String billId) {
    return send(HttpMethod.GET, billPath(dialect, billId), headers(dialect, false), null);
  }

  Future<QiwiReply> cancel(QiwiDialect dialect, String billId) {
    return send(HttpMethod.PATCH, billPath(dialect, billId), headers(dialect, true), "status=rejected");
  }

  Future<QiwiReply> refund(QiwiDialect dialect, String billId, String refundId, String amount) {
    return send(HttpMethod.PUT, refundPath(dialect, billId, refundId), headers(dialect, true), "amount=" + amount);
  }

  Future<QiwiReply> refundStatus(QiwiDialect dialect, String billId, String refundId) {
    return send(HttpMethod.GET, refundPath(dialect, billId, refundId), headers(dialect, false), null);
  }

  Future<QiwiReply> send(HttpMethod method, String path, MultiMap headers, String body) {
    return sendRaw(method, path, headers, body, 10_000)
        .map(response -> new QiwiReply(response.statusCode(), response.bodyAsJsonObject()));
  }

  Future<HttpResponse<Buffer>> sendRaw(HttpMethod method, String path, MultiMap headers, String body, long timeoutMs) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", path).timeout(timeoutMs).putHeaders(headers);
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  /** An admin call; answers the JSON body, whatever the status (tests check it via {@link #adminRaw}). */
  Future<JsonObject> admin(HttpMethod method, String path, JsonObject body) {
    return adminRaw(method, path, body).map(HttpResponse::bodyAsJsonObject);
  }

  Future<HttpResponse<Buffer>> adminRaw(HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", path).timeout(10_000);
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  Future<JsonObject> addFault(JsonObject rule) {
    return adminRaw(HttpMethod.POST, "/sandbox/faults", rule).map(response -> {
      if (response.statusCode() != 201) {
        throw new IllegalStateException("fault refused: " + response.bodyAsString());
      }
      return response.bodyAsJsonObject();
    });
  }

  Future<JsonObject> adminBill(String billId) {
    return admin(HttpMethod.GET, "/sandbox/bills/" + billId, null);
  }

  /** Asks again every 20 ms until the answer satisfies the condition; fails after the deadline. */
  <T> Future<T> eventually(Supplier<Future<T>> ask, Predicate<T> done, Duration deadline) {
    long giveUpAt = System.nanoTime() + deadline.toNanos();
    return poll(ask, done, giveUpAt);
  }

  private <T> Future<T> poll(Supplier<Future<T>> ask, Predicate<T> done, long giveUpAt) {
    return ask.get().compose(value -> {
      if (done.test(value)) {
        return Future.succeededFuture(value);
      }
      if (System.nanoTime() > giveUpAt) {
        return Future.failedFuture(new AssertionError("condition never met; last value: " + value));
      }
      return vertx.timer(20).compose(tick -> poll(ask, done, giveUpAt));
    });
  }
}
