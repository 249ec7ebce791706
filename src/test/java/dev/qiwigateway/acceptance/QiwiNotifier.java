package dev.qiwigateway.acceptance;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.testing.QiwiNotifications;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;

/**
 * QIWI's side of POST /qiwi/notifications, for what the sandbox does not do on its own (many copies at
 * once, a status QIWI's API does not show): rest-v3 bodies signed with the shop's SECRET_KEY.
 */
final class QiwiNotifier {

  private final WebClient http;
  private final int port;

  QiwiNotifier(Vertx vertx, int port) {
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(32));
    this.port = port;
  }

  /** The fields of a notification about one of the shop's bills, as QIWI sends them. */
  static Map<String, String> fields(String billId, String status, String amount) {
    return QiwiNotifications.restV3(billId, status, amount);
  }

  static String body(Map<String, String> fields) {
    return FormCodec.encode(fields);
  }

  static String signature(Map<String, String> fields) {
    return QiwiNotifications.restV3Signature(fields);
  }

  Future<HttpResponse<Buffer>> send(String billId, String status, String amount) {
    Map<String, String> fields = fields(billId, status, amount);
    return http.post(port, "127.0.0.1", "/qiwi/notifications")
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .putHeader("X-Api-Signature", signature(fields))
        .sendBuffer(Buffer.buffer(body(fields)));
  }

  /** The rest-v3 result code of an answer; fails when the answer is not the protocol's JSON. */
  static int resultCode(HttpResponse<Buffer> answer) {
    String type = answer.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      throw new AssertionError("not the protocol's JSON answer: " + type + " " + answer.bodyAsString());
    }
    return new JsonObject(answer.bodyAsString()).getInteger("error");
  }
}
