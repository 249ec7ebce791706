package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether an answer to a notification is the protocol's success answer. Anything
 * else, however close, is a failure that QIWI retries: a receiver that answers 200 with the wrong body
 * has not acknowledged.
 */
final class NotificationAcknowledgement {

  private static final Pattern XML_SUCCESS = Pattern.compile(
      "\\s*(<\\?xml[^>]*\\?>)?\\s*<result>.*<result_code>\\s*0\\s*</result_code>.*</result>\\s*", Pattern.DOTALL);

  private NotificationAcknowledgement() {
  }

  static boolean acknowledges(Dialect dialect, HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return false;
    }
    String body = response.bodyAsString();
    return switch (dialect) {
      case REST_V3 -> hasMediaType(response, "application/json") && jsonSuccess(body, 0);
      // QIWI's v1 documents {"error":"0"}, the code as a string; rest-v3's number is another dialect's answer.
      case V1 -> hasMediaType(response, "application/json") && jsonSuccess(body, "0");
      case PULL_V2 -> hasMediaType(response, "text/xml") && body != null && XML_SUCCESS.matcher(body).matches();
    };
  }

  private static boolean hasMediaType(HttpResponse<Buffer> response, String mediaType) {
    String contentType = response.getHeader("Content-Type");
    return contentType != null
        && contentType.split(";", -1)[0].trim().toLowerCase(Locale.ROOT).equals(mediaType);
  }

  private static boolean jsonSuccess(String body, Object success) {
    try {
      return body != null && success.equals(new JsonObject(body).getValue("error"));
    } catch (DecodeException | ClassCastException notJsonObject) {
      return false;
    }
  }
}
