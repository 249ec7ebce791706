package dev.qiwigateway.bill;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import io.vertx.core.json.JsonObject;

/** The answers of the bill operations, as replies the idempotency layer stores and replays byte for byte. */
final class Responses {

  private Responses() {
  }

  static Reply created(String location, JsonObject resource) {
    return Reply.json(201, resource).withHeader("Location", location);
  }

  static Reply ok(JsonObject resource) {
    return Reply.json(200, resource);
  }

  static Reply problem(Problem problem) {
    return Reply.problem(problem);
  }

  static String billLocation(String billId) {
    return "/v1/bills/" + billId;
  }

  static String refundLocation(String billId, String refundId) {
    return billLocation(billId) + "/refunds/" + refundId;
  }

  static Problem billNotFound(String billId) {
    return Problem.of(404, "bill_not_found", "Bill not found", "No bill '" + billId + "' is known to this merchant.");
  }

  static Problem notCancellable(BillStatus status) {
    return Problem.of(409, "bill_not_cancellable", "Bill cannot be cancelled",
        "The bill is " + status.wireName() + "; only a waiting bill can be cancelled.").with("billStatus", status.wireName());
  }
}
