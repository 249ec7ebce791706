package dev.qiwigateway.bill;

import static dev.qiwigateway.http.Reply.respond;

import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.domain.Money;
import dev.qiwigateway.http.JsonBody.FieldErrors;
import dev.qiwigateway.http.JsonBody;
import dev.qiwigateway.http.MerchantAuthHandler;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.idempotency.IdempotencyKey;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import dev.qiwigateway.idempotency.OperationRunner;
import dev.qiwigateway.qiwi.QiwiIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The merchant API's bill routes (docs/api.md#bills). Handlers only read and validate the request;
 * POSTs then run through {@link OperationRunner}, GETs through {@link BillQueries}.
 */
public final class BillRoutes {

  private final GatewayConfig config;
  private final OperationRunner idempotent;
  private final IssueBill issue;
  private final BillQueries queries;

  public BillRoutes(GatewayConfig config, OperationRunner idempotent, IssueBill issue, BillQueries queries) {
    this.config = config;
    this.idempotent = idempotent;
    this.issue = issue;
    this.queries = queries;
  }

  public void mount(Router router) {
    router.post("/v1/bills").handler(this::issue);
    router.get("/v1/bills/:billId").handler(this::getBill);
    router.post("/v1/bills/:billId/cancel").handler(this::cancel);
    router.post("/v1/bills/:billId/refunds").handler(this::refund);
    router.get("/v1/bills/:billId/refunds").handler(this::listRefunds);
    router.get("/v1/bills/:billId/refunds/:refundId").handler(this::getRefund);
  }

  private void issue(RoutingContext ctx) {
    JsonObject body = JsonBody.read(ctx, true);
    IdempotencyKey key = key(ctx);
    NewBill bill = NewBill.from(body, config.currencies(), config.billLifetimeDefault(), config.billLifetimeMax(),
        Instant.now());
    NewBill chosen = bill.billId() != null ? bill : bill.withBillId(GeneratedIds.billId());
    // Read and validated once: a new key starts from this bill; only a resumption decodes the stored form.
    respond(ctx, idempotent.handle(ctx, key, Kind.ISSUE_BILL, body, chosen.toStored(), chosen.billId(),
        record -> issue.firstPhase(record, chosen)));
  }

  private void cancel(RoutingContext ctx) {
    String billId = knownBillId(ctx);
    JsonObject body = JsonBody.read(ctx, false);
    respond(ctx, idempotent.handle(ctx, key(ctx), Kind.CANCEL_BILL, body, CancelBill.request(billId), billId,
        null));
  }

  private void refund(RoutingContext ctx) {
    String billId = knownBillId(ctx);
    JsonObject body = JsonBody.read(ctx, true);
    IdempotencyKey key = key(ctx);
    FieldErrors errors = new FieldErrors();
    String refundId = errors.string(body, "refundId", false);
    if (refundId != null && !QiwiIds.isRefundId(refundId)) {
      errors.add("refundId", "must match [A-Za-z0-9]{1,9}");
    }
    // QIWI refunds in kopecks whatever the currency: two fraction digits.
    BigDecimal amount = Money.parse(errors.string(body, "amount", true), null, reason -> errors.add("amount", reason));
    errors.throwIfAny();
    String chosen = refundId != null ? refundId : GeneratedIds.refundId();
    respond(ctx, idempotent.handle(ctx, key, Kind.REFUND_BILL, body, RefundBill.request(billId, chosen, amount),
        chosen, null));
  }

  private void getBill(RoutingContext ctx) {
    String billId = knownBillId(ctx);
    respond(ctx, queries.bill(merchant(ctx), billId, refresh(ctx)).map(BillAnswers::ok));
  }

  private void listRefunds(RoutingContext ctx) {
    respond(ctx, queries.refunds(merchant(ctx), knownBillId(ctx)).map(BillAnswers::ok));
  }

  private void getRefund(RoutingContext ctx) {
    String billId = knownBillId(ctx);
    String refundId = ctx.pathParam("refundId");
    if (!QiwiIds.isRefundId(refundId)) {
      throw Problem.of(404, "refund_not_found", "Refund not found", "No such refund.");
    }
    respond(ctx, queries.refund(merchant(ctx), billId, refundId, refresh(ctx)).map(BillAnswers::ok));
  }

  private static IdempotencyKey key(RoutingContext ctx) {
    return IdempotencyKey.fromRequest(ctx, merchant(ctx));
  }

  /** An id that cannot exist is simply an unknown bill: no need to tell the caller about formats here. */
  private static String knownBillId(RoutingContext ctx) {
    String billId = ctx.pathParam("billId");
    if (!QiwiIds.isBillId(billId)) {
      throw BillAnswers.billNotFound(billId);
    }
    return billId;
  }

  private static boolean refresh(RoutingContext ctx) {
    List<String> values = ctx.queryParam("refresh");
    if (values.isEmpty()) {
      return false;
    }
    if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
      return values.get(0).equals("true");
    }
    FieldErrors errors = new FieldErrors();
    errors.add("refresh", "must be true or false");
    errors.throwIfAny();
    return false;
  }

  private static String merchant(RoutingContext ctx) {
    return MerchantAuthHandler.merchantOf(ctx);
  }
}
