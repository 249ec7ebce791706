package dev.qiwigateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** The checkout's side of the merchant API, over real HTTP, as test code uses it. */
public final class MerchantApi {

  private final WebClient http;
  private final int port;
  private final String token;

  public MerchantApi(Vertx vertx, int port, String token) {
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(64));
    this.port = port;
    this.token = token;
  }

  public static MerchantApi of(Vertx vertx, int port) {
    return new MerchantApi(vertx, port, TestSecrets.MERCHANT_TOKEN);
  }

  public Future<HttpResponse<Buffer>> post(String path, String idempotencyKey, JsonObject body) {
    HttpRequest<Buffer> request = http.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token);
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> get(String path) {
    return http.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token).send();
  }

  /** A raw request for the cases a well-behaved client never sends. */
  public HttpRequest<Buffer> raw(io.vertx.core.http.HttpMethod method, String path) {
    return http.request(method, port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token);
  }

  public static JsonObject bill(String billId, String amount) {
    JsonObject body = new JsonObject()
        .put("amount", amount)
        .put("currency", "RUB")
        .put("customer", "tel:+79161234567")
        .put("comment", "Order " + (billId == null ? "auto" : billId));
    return billId == null ? body : body.put("billId", billId);
  }
}
