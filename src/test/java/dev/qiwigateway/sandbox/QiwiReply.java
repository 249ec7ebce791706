package dev.qiwigateway.sandbox;

import io.vertx.core.json.JsonObject;

/** A sandbox answer as a QIWI client sees it: HTTP status and the {@code response} object. */
record QiwiReply(int httpStatus, JsonObject json) {

  JsonObject response() {
    return json.getJsonObject("response");
  }

  int resultCode() {
    return response().getInteger("result_code");
  }

  JsonObject bill() {
    return response().getJsonObject("bill");
  }

  JsonObject refund() {
    return response().getJsonObject("refund");
  }
}
