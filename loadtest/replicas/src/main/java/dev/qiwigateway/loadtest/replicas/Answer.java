package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/** An HTTP answer as the driver saw it; status -1 when none came (timeout, connection lost). */
record Answer(int status, String body, String retryAfter) {

  static Answer failed(String why) {
    return new Answer(-1, why, null);
  }

  boolean ok() {
    return status / 100 == 2;
  }

  JsonObject json() {
    if (body == null || !body.startsWith("{")) {
      return new JsonObject();
    }
    try {
      return new JsonObject(body);
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  String code() {
    return json().getString("code");
  }

  /** Unknown outcome or a busy key: the same request with the same key may be sent again. */
  boolean retryable() {
    return status == -1 || status == 429 || status >= 500
        || (status == 409 && "idempotency_key_in_use".equals(code()));
  }

  long retryDelayMillis() {
    if (retryAfter != null) {
      try {
        return Math.min(2000, Long.parseLong(retryAfter.trim()) * 1000);
      } catch (NumberFormatException ignored) {
        // fall through to the default pause
      }
    }
    return 250 + ThreadLocalRandom.current().nextInt(400);
  }

  String label() {
    return status == -1 ? "no-answer" : code() == null ? String.valueOf(status) : status + ":" + code();
  }
}
