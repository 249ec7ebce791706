package dev.qiwigateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/** The sandbox's admin API (see sandbox/AdminApi.java) as tests drive it: pay bills, inject faults, count calls. */
public final class SandboxAdmin {

  private final WebClient http;
  private final String baseUrl;

  public SandboxAdmin(Vertx vertx, String baseUrl) {
    this.http = WebClient.create(vertx);
    this.baseUrl = baseUrl;
  }

  public Future<Void> pay(String billId) {
    return post("/sandbox/bills/" + billId + "/pay", null).mapEmpty();
  }

  public Future<Void> settleRefund(String billId, String refundId, String status) {
    return post("/sandbox/bills/" + billId + "/refunds/" + refundId + "/settle?status=" + status, null).mapEmpty();
  }

  public Future<JsonObject> fault(JsonObject rule) {
    return post("/sandbox/faults", rule);
  }

  public Future<Void> clearFaults() {
    return http.deleteAbs(baseUrl + "/sandbox/faults").send().mapEmpty();
  }

  /** The sandbox's view of a bill (null when it has none), including how many issue PUTs reached it. */
  public Future<JsonObject> bill(String billId) {
    return http.getAbs(baseUrl + "/sandbox/bills/" + billId).send()
        .map(response -> response.statusCode() == 404 ? null : response.bodyAsJsonObject());
  }

  public Future<JsonObject> stats() {
    return http.getAbs(baseUrl + "/sandbox/stats").send().map(response -> response.bodyAsJsonObject());
  }

  /** How many of the sandbox's notification attempts about one bill the receiver acknowledged. */
  public Future<Long> acknowledgedNotifications(String billId) {
    return http.getAbs(baseUrl + "/sandbox/notifications").send()
        .map(response -> response.bodyAsJsonObject().getJsonArray("deliveries").stream()
            .map(JsonObject.class::cast)
            .filter(delivery -> billId.equals(delivery.getString("billId")))
            .flatMap(delivery -> delivery.getJsonArray("attempts").stream().map(JsonObject.class::cast))
            .filter(attempt -> "acknowledged".equals(attempt.getString("outcome")))
            .count());
  }

  private Future<JsonObject> post(String path, JsonObject body) {
    return (body == null ? http.postAbs(baseUrl + path).send() : http.postAbs(baseUrl + path).sendJsonObject(body))
        .compose(response -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(response.body() == null || response.body().length() == 0
                ? new JsonObject() : response.bodyAsJsonObject())
            : Future.failedFuture(new AssertionError("sandbox admin " + path + " answered " + response.statusCode()
                + ": " + response.bodyAsString())));
  }
}
