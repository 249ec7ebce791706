package dev.qiwigateway.faults;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.testing.QiwiNotifications;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;

/**
 * QIWI telling the gateway that a bill was paid: a rest-v3 notification signed with the shop's
 * SECRET_KEY (the test credentials), as the sandbox would send it.
 */
record PaidNotification(String billId, String amount) {

  static final String PATH = "/qiwi/notifications";
  /** An upper bound for a broken build: a gateway that never answers fails the test instead of hanging it. */
  private static final long ANSWER_LIMIT_MS = 30_000;

  Map<String, String> fields() {
    return QiwiNotifications.restV3(billId, "paid", amount);
  }

  Future<HttpResponse<Buffer>> sendTo(WebClient http, int port) {
    Map<String, String> fields = fields();
    return http.post(port, "127.0.0.1", PATH)
        .timeout(ANSWER_LIMIT_MS)
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .putHeader("X-Api-Signature", QiwiNotifications.restV3Signature(fields))
        .sendBuffer(Buffer.buffer(FormCodec.encode(fields)));
  }

  /** The rest-v3 result code of an answer, or -1 when the answer is not the protocol's JSON. */
  static int resultCode(HttpResponse<Buffer> answer) {
    String type = answer.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      return -1;
    }
    Integer code = answer.bodyAsJsonObject().getInteger("error");
    return code == null ? -1 : code;
  }
}
