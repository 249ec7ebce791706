package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.SandboxCredentials;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Speaks the QIWI wire protocol to the sandbox over real HTTP, exactly as the protocol document says,
 * so that each test can then break one thing at a time. It builds paths, credentials and timestamps
 * itself from the document's literal values, sharing no code with the sandbox it talks to.
 */
final class SandboxClient {

  /** The document's example shop, whose API credentials it spells out below. */
  static final SandboxCredentials CREDENTIALS = SandboxCredentials.of("2042", "23244123", "453Fdgd443", "test");
  /** Bearer SECRET_KEY for prv_id 2042, api_id 23244123, api_secret 453Fdgd443, as the document derives it. */
  static final String REST_V3_AUTHORIZATION = "Bearer MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==";
  /** Basic base64("23244123:453Fdgd443"), the document's pull-v2 vector. */
  static final String PULL_V2_AUTHORIZATION = "Basic MjMyNDQxMjM6NDUzRmRnZDQ0Mw==";
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
    fields.put("lifetime", moscowTime(clock.instant().plus(Duration.ofDays(1))));
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

  /** A timestamp as QIWI writes it: UTC+3, to the second, no zone. */
  static String moscowTime(Instant instant) {
    return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.ofHours(3))
        .format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"));
  }

  /** A UTF-8 form body, percent-encoded. */
  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String authorization(Dialect dialect) {
    return dialect == Dialect.REST_V3 ? REST_V3_AUTHORIZATION : PULL_V2_AUTHORIZATION;
  }

  /** The headers a correct client sends in this dialect. */
  static MultiMap headers(Dialect dialect, boolean withBody) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", authorization(dialect))
        .add("Accept", "text/json");
    if (withBody) {
      headers.add("Content-Type", FORM_UTF8);
    }
    return headers;
  }

  static String billPath(Dialect dialect, String billId) {
    return billPath(dialect, CREDENTIALS.prvId(), billId);
  }

  static String billPath(Dialect dialect, String prvId, String billId) {
    return dialect == Dialect.REST_V3 ? "/api/v3/prv/bills/" + billId : "/api/v2/prv/" + prvId + "/bills/" + billId;
  }

  static String refundPath(Dialect dialect, String billId, String refundId) {
    return billPath(dialect, billId) + "/refund/" + refundId;
  }

  Future<QiwiReply> issue(Dialect dialect, String billId, Map<String, String> fields) {
    return send(HttpMethod.PUT, billPath(dialect, billId), headers(dialect, true), form(fields));
  }

  Future<QiwiReply> status(Dialect dialect, String billId) {
    return send(HttpMethod.GET, billPath(dialect, billId), headers(dialect, false), null);
  }

  Future<QiwiReply> cancel(Dialect dialect, String billId) {
    return send(HttpMethod.PATCH, billPath(dialect, billId), headers(dialect, true), "status=rejected");
  }

  Future<QiwiReply> refund(Dialect dialect, String billId, String refundId, String amount) {
    return send(HttpMethod.PUT, refundPath(dialect, billId, refundId), headers(dialect, true), "amount=" + amount);
  }

  Future<QiwiReply> refundStatus(Dialect dialect, String billId, String refundId) {
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
