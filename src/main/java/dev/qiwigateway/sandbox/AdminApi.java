package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.BillStatus;
import dev.qiwigateway.sandbox.protocol.RefundStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's admin API under {@code /sandbox/} (no authentication: the sandbox is a test tool).
 * JSON in and out; bad input is 400 with {@code {"error": "..."}}, an unknown bill or refund 404, a
 * transition out of a final status 409.
 * <pre>
 * GET    /sandbox/bills/{billId}                       bill state, refunds, how many issue PUTs reached it
 * POST   /sandbox/bills/{billId}/pay|decline|fail|expire   waiting -> paid|rejected|unpaid|expired
 * POST   /sandbox/bills/{billId}/refunds/{refundId}/settle?status=success|fail
 * GET    /sandbox/stats                                requests per operation and outcome, notifications
 * GET    /sandbox/notifications                        delivery log, every attempt of every copy
 * POST   /sandbox/faults                               add a rule, e.g.
 *        {"fault":"latency","latencyMs":3000,"operations":["issue"],"dialect":"rest-v3","count":2}
 *        faults: latency{latencyMs} hang{applied} drop{applied} http5xx{status,applied} result{resultCode}
 *        duplicates{copies} outOfOrder{holdMs}; count omitted = until cleared; applied = the operation
 *        takes effect although the answer is lost
 * GET    /sandbox/faults   DELETE /sandbox/faults   DELETE /sandbox/faults/{id}
 * POST   /sandbox/reset                                forget bills, faults, statistics, notifications
 * </pre>
 */
final class AdminApi {

  static final List<String> ENDPOINTS = List.of(
      "GET    /sandbox/bills/{billId}",
      "POST   /sandbox/bills/{billId}/pay | decline | fail | expire",
      "POST   /sandbox/bills/{billId}/refunds/{refundId}/settle?status=success|fail",
      "GET    /sandbox/stats",
      "GET    /sandbox/notifications",
      "POST   /sandbox/faults   {\"fault\":\"latency|hang|drop|http5xx|result|duplicates|outOfOrder\", ...}",
      "GET    /sandbox/faults",
      "DELETE /sandbox/faults[/{id}]",
      "POST   /sandbox/reset");

  private static final Map<String, BillStatus> BILL_ACTIONS = Map.of(
      "pay", BillStatus.PAID, "decline", BillStatus.REJECTED, "fail", BillStatus.UNPAID, "expire", BillStatus.EXPIRED);

  private final BillLedger ledger;
  private final FaultInjector faults;
  private final SandboxStats stats;
  private final NotificationSender notifications;

  AdminApi(BillLedger ledger, FaultInjector faults, SandboxStats stats, NotificationSender notifications) {
    this.ledger = ledger;
    this.faults = faults;
    this.stats = stats;
    this.notifications = notifications;
  }

  void mount(Router router) {
    router.get("/sandbox").handler(ctx -> json(ctx, 200, new JsonObject().put("endpoints", new JsonArray(ENDPOINTS))));
    router.get("/sandbox/bills").handler(this::listBills);
    router.get("/sandbox/bills/:billId").handler(this::showBill);
    router.post("/sandbox/bills/:billId/refunds/:refundId/settle").handler(this::settleRefund);
    router.post("/sandbox/bills/:billId/:action").handler(this::finishBill);
    router.get("/sandbox/stats").handler(ctx -> json(ctx, 200, stats.toJson()));
    router.get("/sandbox/notifications").handler(ctx -> json(ctx, 200, new JsonObject()
        .put("deliveries", notifications.log())));
    router.get("/sandbox/faults").handler(this::listFaults);
    router.post("/sandbox/faults").handler(ctx -> ctx.request().body()
        .onSuccess(body -> addFault(ctx, body))
        .onFailure(ctx::fail));
    router.delete("/sandbox/faults").handler(ctx -> {
      faults.clear();
      json(ctx, 200, new JsonObject().put("faults", new JsonArray()));
    });
    router.delete("/sandbox/faults/:id").handler(this::removeFault);
    router.post("/sandbox/reset").handler(this::reset);
  }

  private void listBills(RoutingContext ctx) {
    JsonArray bills = new JsonArray();
    ledger.bills().forEach(bill -> bills.add(bill.toAdminJson()));
    json(ctx, 200, new JsonObject().put("bills", bills));
  }

  private void showBill(RoutingContext ctx) {
    bill(ctx).ifPresent(bill -> json(ctx, 200, bill.toAdminJson()));
  }

  private void finishBill(RoutingContext ctx) {
    BillStatus target = BILL_ACTIONS.get(ctx.pathParam("action"));
    if (target == null) {
      error(ctx, 400, "action must be pay, decline, fail or expire");
      return;
    }
    bill(ctx).ifPresent(bill -> {
      if (bill.isV1() && target == BillStatus.UNPAID) {
        error(ctx, 409, "a v1 bill has no unpaid status: a failed payment leaves it waiting");
      } else if (ledger.finish(bill, target)) {
        json(ctx, 200, bill.toAdminJson());
      } else {
        error(ctx, 409, "bill " + bill.billId() + " is already " + bill.status().wireName());
      }
    });
  }

  private void settleRefund(RoutingContext ctx) {
    Optional<RefundStatus> target = RefundStatus.fromWire(ctx.queryParams().get("status"))
        .filter(RefundStatus::isFinal);
    if (target.isEmpty()) {
      error(ctx, 400, "status must be success or fail");
      return;
    }
    bill(ctx).ifPresent(bill -> {
      Optional<SandboxRefund> refund = bill.refund(ctx.pathParam("refundId"));
      if (refund.isEmpty()) {
        error(ctx, 404, "bill " + bill.billId() + " has no refund " + ctx.pathParam("refundId"));
      } else if (ledger.settle(refund.get(), target.get())) {
        json(ctx, 200, refund.get().toAdminJson());
      } else {
        error(ctx, 409, "refund is already " + refund.get().status().wireName());
      }
    });
  }

  private void listFaults(RoutingContext ctx) {
    JsonArray rules = new JsonArray();
    faults.rules().forEach(rule -> rules.add(FaultJson.toJson(rule)));
    json(ctx, 200, new JsonObject().put("faults", rules));
  }

  private void addFault(RoutingContext ctx, Buffer body) {
    FaultRule.Definition definition;
    try {
      definition = FaultJson.parse(new JsonObject(body));
    } catch (DecodeException | ClassCastException notJson) {
      error(ctx, 400, "body must be a JSON object");
      return;
    } catch (IllegalArgumentException badRule) {
      error(ctx, 400, badRule.getMessage());
      return;
    }
    json(ctx, 201, FaultJson.toJson(faults.add(definition)));
  }

  private void removeFault(RoutingContext ctx) {
    try {
      if (faults.remove(Integer.parseInt(ctx.pathParam("id")))) {
        listFaults(ctx);
      } else {
        error(ctx, 404, "no fault rule " + ctx.pathParam("id"));
      }
    } catch (NumberFormatException notANumber) {
      error(ctx, 400, "fault id must be a number");
    }
  }

  private void reset(RoutingContext ctx) {
    notifications.reset();
    faults.clear();
    stats.clear();
    ledger.clear();
    json(ctx, 200, new JsonObject().put("reset", true));
  }

  private Optional<SandboxBill> bill(RoutingContext ctx) {
    Optional<SandboxBill> bill = ledger.find(ctx.pathParam("billId"));
    if (bill.isEmpty()) {
      error(ctx, 404, "no bill " + ctx.pathParam("billId"));
    }
    return bill;
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
