package dev.qiwigateway.notification;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.testing.QiwiNotifications;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/** Plays QIWI against the gateway's notification endpoint: crafted bodies, signed (or not) as the test wants. */
final class QiwiSender {

  static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
  static final String PATH = "/qiwi/notifications";

  private final WebClient http;
  private final int port;
  private final QiwiCredentials credentials;

  QiwiSender(Vertx vertx, int port, QiwiCredentials credentials) {
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(32));
    this.port = port;
    this.credentials = credentials;
  }

  static QiwiSender of(Vertx vertx, int port) {
    return new QiwiSender(vertx, port, TestSecrets.credentials());
  }

  /** rest-v3 fields of a notification about one of our bills, as the sandbox would send them. */
  static Map<String, String> restV3(String billId, String status, String amount) {
    return QiwiNotifications.restV3(billId, status, amount);
  }

  /** pull-v2 fields of a notification about one of our bills. */
  static Map<String, String> pullV2(String billId, String status, String amount) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("bill_id", billId);
    fields.put("status", status);
    fields.put("error", "0");
    fields.put("amount", amount);
    fields.put("user", "tel:+79161234567");
    fields.put("prv_name", "Marketplace");
    fields.put("ccy", "RUB");
    fields.put("comment", "Order " + billId);
    fields.put("command", "bill");
    return fields;
  }

  String restV3Signature(Map<String, String> fields) {
    return QiwiNotifications.restV3Signature(credentials.secretKey(), fields);
  }

  String pullV2Signature(Map<String, String> fields) {
    return QiwiNotifications.pullV2Signature(credentials.notifyPassword(), fields);
  }

  /** A rest-v3 notification signed with the shop's SECRET_KEY. */
  Future<HttpResponse<Buffer>> sendRestV3(Map<String, String> fields) {
    return send(FormCodec.encode(fields), FORM, Map.of("X-Api-Signature", restV3Signature(fields)));
  }

  /** A pull-v2 notification signed with the notification password. */
  Future<HttpResponse<Buffer>> sendPullV2Signed(Map<String, String> fields) {
    return send(FormCodec.encode(fields), FORM, Map.of("X-Api-Signature", pullV2Signature(fields)));
  }

  /** A pull-v2 notification with Basic credentials. */
  Future<HttpResponse<Buffer>> sendPullV2Basic(Map<String, String> fields) {
    return send(FormCodec.encode(fields), FORM, Map.of("Authorization", credentials.notificationBasicAuthorization()));
  }

  Future<HttpResponse<Buffer>> send(String body, String contentType, Map<String, String> headers) {
    HttpRequest<Buffer> request = http.post(port, "127.0.0.1", PATH);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    headers.forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(body));
  }

  /** The rest-v3 answer's result code; fails the test when the answer is not the protocol's JSON. */
  static int restV3Code(HttpResponse<Buffer> response) {
    if (!response.getHeader("Content-Type").startsWith("application/json")) {
      throw new AssertionError("not JSON: " + response.getHeader("Content-Type") + " " + response.bodyAsString());
    }
    return new JsonObject(response.bodyAsString()).getInteger("error");
  }

  /** The pull-v2 answer's result code; fails the test when the answer is not the protocol's XML. */
  static int pullV2Code(HttpResponse<Buffer> response) {
    String body = response.bodyAsString();
    if (!response.getHeader("Content-Type").startsWith("text/xml")
        || !body.matches("<\\?xml version=\"1.0\"\\?><result><result_code>\\d+</result_code></result>")) {
      throw new AssertionError("not the protocol's XML: " + response.getHeader("Content-Type") + " " + body);
    }
    return Integer.parseInt(body.replaceAll(".*<result_code>(\\d+)</result_code>.*", "$1"));
  }
}
