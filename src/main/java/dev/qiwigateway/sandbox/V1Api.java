package dev.qiwigateway.sandbox;

import static dev.qiwigateway.sandbox.protocol.ResultCode.AUTHORIZATION_FAILED;
import static dev.qiwigateway.sandbox.protocol.ResultCode.BILL_NOT_FOUND;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import dev.qiwigateway.sandbox.protocol.RefundStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * QIWI's {@code partner/bill/v1} API, the one QIWI's SDKs speak: JSON in and out, {@code Authorization: Bearer
 * SECRET_KEY}, HTTP statuses that mean something, and error bodies
 * {@code {"serviceName","errorCode","description","userMessage","dateTime","traceId"}}. Its bills live in the
 * same ledger as the other dialects' bills but are a separate API at QIWI: it sees only bills it issued.
 * Faults are applied before anything else, as in {@link BillApi}.
 */
final class V1Api {

  static final String BILL_PATH = "/partner/bill/v1/bills/:billId";

  private final Vertx vertx;
  private final BillLedger ledger;
  private final SandboxSettings settings;
  private final V1Validator validator;
  private final FaultInjector faults;
  private final SandboxStats stats;
  private final Supplier<String> baseUrl;

  /** An answer before it is written. */
  private record Answer(int httpStatus, JsonObject body, int resultCode) {
  }

  V1Api(Vertx vertx, BillLedger ledger, SandboxSettings settings, FaultInjector faults, SandboxStats stats,
      Supplier<String> baseUrl) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.settings = settings;
    this.validator = new V1Validator(settings);
    this.faults = faults;
    this.stats = stats;
    this.baseUrl = baseUrl;
  }

  void mount(Router router) {
    String refund = BILL_PATH + "/refunds/:refundId";
    router.route(HttpMethod.PUT, BILL_PATH).handler(ctx -> receive(ctx, Operation.ISSUE));
    router.route(HttpMethod.GET, BILL_PATH).handler(ctx -> receive(ctx, Operation.STATUS));
    router.route(HttpMethod.POST, BILL_PATH + "/reject").handler(ctx -> receive(ctx, Operation.CANCEL));
    router.route(HttpMethod.PUT, refund).handler(ctx -> receive(ctx, Operation.REFUND));
    router.route(HttpMethod.GET, refund).handler(ctx -> receive(ctx, Operation.REFUND_STATUS));
  }

  private void receive(RoutingContext ctx, Operation operation) {
    ctx.request().body()
        .onSuccess(body -> faultOrAnswer(ctx, operation, body))
        .onFailure(ctx::fail);
  }

  private void faultOrAnswer(RoutingContext ctx, Operation operation, Buffer body) {
    Optional<Fault.ApiFault> fired = faults.takeApiFault(operation, Dialect.V1).map(FaultInjector.Fired::fault);
    if (fired.isEmpty()) {
      respond(ctx, operation, process(ctx, operation, body));
      return;
    }
    Fault.ApiFault fault = fired.get();
    if (fault instanceof Fault.Latency latency) {
      vertx.setTimer(Math.max(1, latency.delay().toMillis()),
          id -> respond(ctx, operation, process(ctx, operation, body)));
    } else if (fault instanceof Fault.ResultCode result) {
      stats.request(operation, Dialect.V1, "fault:" + fault.kind());
      write(ctx, refused(operation, result.code()));
    } else if (fault instanceof Fault.LostAnswer lost) {
      if (lost.applied()) {
        process(ctx, operation, body);
      }
      stats.request(operation, Dialect.V1, "fault:" + fault.kind());
      if (lost instanceof Fault.Drop) {
        ctx.request().connection().close();
      } else if (lost instanceof Fault.HttpStatus http) {
        ctx.response().setStatusCode(http.status())
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("sandbox: injected HTTP " + http.status());
      }
    }
  }

  private void respond(RoutingContext ctx, Operation operation, Answer answer) {
    stats.resultCode(operation, Dialect.V1, answer.resultCode());
    write(ctx, answer);
  }

  private static void write(RoutingContext ctx, Answer answer) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(answer.httpStatus())
        .putHeader("Content-Type", "application/json;charset=UTF-8")
        .end(answer.body().encode());
  }

  /** A body where none is expected (the Node SDK sends {@code null}) is ignored, as QIWI ignores it. */
  private Answer process(RoutingContext ctx, Operation operation, Buffer body) {
    if (!authorized(ctx.request().headers().getAll("Authorization"))) {
      return refused(operation, AUTHORIZATION_FAILED.code());
    }
    String billId = ctx.pathParam("billId");
    String refundId = ctx.pathParam("refundId");
    if (!V1Validator.isId(billId) || (refundId != null && !V1Validator.isId(refundId))) {
      return refused(operation, 5);
    }
    return switch (operation) {
      case ISSUE -> issue(billId, body);
      case STATUS -> v1Bill(billId).map(this::billAnswer).orElseGet(() -> refused(operation, BILL_NOT_FOUND.code()));
      case CANCEL -> v1Bill(billId).map(bill -> answer(operation, ledger.cancel(billId)))
          .orElseGet(() -> refused(operation, BILL_NOT_FOUND.code()));
      case REFUND -> refund(billId, refundId, body);
      case REFUND_STATUS -> v1Bill(billId).map(bill -> answer(operation, ledger.refundStatus(billId, refundId)))
          .orElseGet(() -> refused(operation, BILL_NOT_FOUND.code()));
    };
  }

  private boolean authorized(List<String> presented) {
    return presented.size() == 1 && settings.credentials().authorizesApiCall(Dialect.V1, presented.get(0));
  }

  private Optional<SandboxBill> v1Bill(String billId) {
    return ledger.find(billId).filter(SandboxBill::isV1);
  }

  private Answer issue(String billId, Buffer body) {
    Validated<IssueRequest> request = validator.issue(billId, body);
    if (!request.isValid()) {
      return refused(Operation.ISSUE, request.resultCode());
    }
    boolean isNew = ledger.find(billId).isEmpty();
    if (isNew && !validator.expirationAcceptable(request.value())) {
      return refused(Operation.ISSUE, 5);
    }
    return answer(Operation.ISSUE, ledger.issue(request.value()));
  }

  /** v1 refunds are final at once: QIWI answers FULL or PARTIAL, money returned, never "processing". */
  private Answer refund(String billId, String refundId, Buffer body) {
    if (v1Bill(billId).isEmpty()) {
      return refused(Operation.REFUND, BILL_NOT_FOUND.code());
    }
    Validated<V1Validator.Money> amount = validator.refund(body);
    if (!amount.isValid()) {
      return refused(Operation.REFUND, amount.resultCode());
    }
    SandboxBill bill = ledger.find(billId).orElseThrow();
    if (!bill.issued().currency().equals(amount.value().currency())) {
      return refused(Operation.REFUND, 242);
    }
    LedgerResult result = ledger.refund(billId, refundId, amount.value().value());
    if (result.succeeded()) {
      ledger.settle(result.refund(), RefundStatus.SUCCESS);
    }
    return answer(Operation.REFUND, result);
  }

  private Answer answer(Operation operation, LedgerResult result) {
    if (!result.succeeded()) {
      return refused(operation, result.resultCode());
    }
    return result.refund() == null
        ? billAnswer(result.bill())
        : new Answer(200, V1Answers.refund(result.bill(), result.refund()), 0);
  }

  private Answer billAnswer(SandboxBill bill) {
    return new Answer(200, V1Answers.bill(bill, settings.credentials().prvId(), baseUrl.get()), 0);
  }

  /**
   * The v1 form of a refusal the ledger or a fault expresses as a classic result code. A repeated PUT with
   * other parameters (215 in the classic API) is QIWI's {@code validation.error}: v1 has no conflict code, and
   * a client tells it apart by asking GET.
   */
  private Answer refused(Operation operation, int resultCode) {
    int status;
    String code;
    String description;
    switch (resultCode) {
      case 150, 155 -> {
        status = 401;
        code = "auth.unauthorized";
        description = "Invalid authentication data";
      }
      case 210 -> {
        status = 404;
        code = "api.invoice.not.found";
        description = operation == Operation.REFUND_STATUS ? "Refund not found" : "Invoice not found";
      }
      case 242 -> {
        status = 400;
        code = operation == Operation.REFUND ? "refund.incorrect.amount" : "validation.error";
        description = operation == Operation.REFUND ? "Refund amount is incorrect" : "Amount too large";
      }
      case 215 -> {
        status = 400;
        code = "validation.error";
        description = operation == Operation.REFUND
            ? "Refund with this refundId already exists with another amount"
            : "Invoice with this billId already exists with other parameters";
      }
      case 78, 1419 -> {
        status = 400;
        code = "validation.error";
        description = "Operation is not allowed in the bill's status";
      }
      case 13 -> {
        status = 503;
        code = "internal.invoicing.core.error";
        description = "Error receiving data from invoicing, try again later";
      }
      case 300, 152, 316, 319, 1003 -> {
        status = 500;
        code = "internal.error";
        description = "Internal error";
      }
      default -> {
        status = 400;
        code = "validation.error";
        description = "Validation error";
      }
    }
    return new Answer(status, V1Answers.error(code, description, settings.clock().instant()), resultCode);
  }
}
