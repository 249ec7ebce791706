package dev.qiwigateway.sandbox;

import static dev.qiwigateway.sandbox.protocol.ResultCode.AUTHORIZATION_FAILED;
import static dev.qiwigateway.sandbox.protocol.ResultCode.BAD_PARAMETERS;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.FieldRules;
import dev.qiwigateway.sandbox.protocol.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The five QIWI operations in both dialects at once: rest-v3 under
 * {@code /api/v3/prv/bills/...}, pull-v2 under {@code /api/v2/prv/{prv_id}/bills/...}. Faults are
 * applied before anything else, as a broken network or an overloaded QIWI would.
 */
final class BillApi {

  private final Vertx vertx;
  private final BillLedger ledger;
  private final ProtocolValidator validator;
  private final FaultInjector faults;
  private final SandboxStats stats;

  /** An answer before it is written: HTTP status, QIWI body and the result code for statistics. */
  private record Answer(int httpStatus, JsonObject body, int resultCode) {

    static Answer of(LedgerResult result) {
      if (!result.succeeded()) {
        return refused(result.resultCode());
      }
      JsonObject body = result.refund() == null
          ? QiwiAnswers.bill(result.bill())
          : QiwiAnswers.refund(result.bill(), result.refund());
      return new Answer(200, body, 0);
    }

    static Answer refused(int resultCode) {
      int status = resultCode == AUTHORIZATION_FAILED.code() ? 401 : 200;
      return new Answer(status, QiwiAnswers.error(resultCode), resultCode);
    }
  }

  BillApi(Vertx vertx, BillLedger ledger, ProtocolValidator validator, FaultInjector faults, SandboxStats stats) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.validator = validator;
    this.faults = faults;
    this.stats = stats;
  }

  void mount(Router router) {
    for (Dialect dialect : List.of(Dialect.REST_V3, Dialect.PULL_V2)) {
      String bill = dialect == Dialect.REST_V3 ? "/api/v3/prv/bills/:billId" : "/api/v2/prv/:prvId/bills/:billId";
      String refund = bill + "/refund/:refundId";
      router.route(HttpMethod.PUT, bill).handler(ctx -> receive(ctx, Operation.ISSUE, dialect));
      router.route(HttpMethod.GET, bill).handler(ctx -> receive(ctx, Operation.STATUS, dialect));
      router.route(HttpMethod.PATCH, bill).handler(ctx -> receive(ctx, Operation.CANCEL, dialect));
      router.route(HttpMethod.PUT, refund).handler(ctx -> receive(ctx, Operation.REFUND, dialect));
      router.route(HttpMethod.GET, refund).handler(ctx -> receive(ctx, Operation.REFUND_STATUS, dialect));
    }
  }

  private void receive(RoutingContext ctx, Operation operation, Dialect dialect) {
    ctx.request().body()
        .onSuccess(body -> faultOrAnswer(ctx, operation, dialect, body))
        .onFailure(ctx::fail);
  }

  private void faultOrAnswer(RoutingContext ctx, Operation operation, Dialect dialect, Buffer body) {
    Optional<Fault.ApiFault> fired = faults.takeApiFault(operation, dialect).map(FaultInjector.Fired::fault);
    if (fired.isEmpty()) {
      respond(ctx, operation, dialect, process(ctx, operation, dialect, body));
      return;
    }
    Fault.ApiFault fault = fired.get();
    if (fault instanceof Fault.Latency latency) {
      vertx.setTimer(Math.max(1, latency.delay().toMillis()),
          id -> respond(ctx, operation, dialect, process(ctx, operation, dialect, body)));
    } else if (fault instanceof Fault.ResultCode result) {
      stats.request(operation, dialect, "fault:" + fault.kind());
      write(ctx, Answer.refused(result.code()));
    } else if (fault instanceof Fault.LostAnswer lost) {
      loseAnswer(ctx, operation, dialect, body, lost);
    }
  }

  private void loseAnswer(RoutingContext ctx, Operation operation, Dialect dialect, Buffer body,
      Fault.LostAnswer fault) {
    if (fault.applied()) {
      process(ctx, operation, dialect, body);
    }
    stats.request(operation, dialect, "fault:" + fault.kind());
    if (fault instanceof Fault.Drop) {
      ctx.request().connection().close();
    } else if (fault instanceof Fault.HttpStatus http) {
      ctx.response().setStatusCode(http.status())
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("sandbox: injected HTTP " + http.status());
    }
    // A hang is simply never answered: the client's own timeout has to fire.
  }

  private void respond(RoutingContext ctx, Operation operation, Dialect dialect, Answer answer) {
    stats.resultCode(operation, dialect, answer.resultCode());
    write(ctx, answer);
  }

  /** In the format the request's Accept asks for; JSON when it asks for none we know (that answer is 5). */
  private static void write(RoutingContext ctx, Answer answer) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    AnswerFormat format = AnswerFormat.negotiate(ctx.request().headers().getAll("Accept"))
        .orElse(AnswerFormat.TEXT_JSON);
    response.setStatusCode(answer.httpStatus())
        .putHeader("Content-Type", format.contentType())
        .end(format.render(answer.body()));
  }

  private Answer process(RoutingContext ctx, Operation operation, Dialect dialect, Buffer body) {
    MultiMap headers = ctx.request().headers();
    if (!validator.authorized(dialect, ctx.pathParam("prvId"), headers)) {
      return Answer.refused(AUTHORIZATION_FAILED.code());
    }
    String billId = ctx.pathParam("billId");
    String refundId = ctx.pathParam("refundId");
    boolean idsValid = FieldRules.isBillId(billId) && (refundId == null || FieldRules.isRefundId(refundId));
    if (!idsValid || !validator.headersAcceptable(operation, headers)) {
      return Answer.refused(BAD_PARAMETERS.code());
    }
    Optional<Map<String, String>> fields = operation.hasBody() ? ProtocolValidator.form(body) : Optional.of(Map.of());
    if (fields.isEmpty()) {
      return Answer.refused(BAD_PARAMETERS.code());
    }
    return switch (operation) {
      case ISSUE -> issue(billId, fields.get());
      case STATUS -> Answer.of(ledger.status(billId));
      case CANCEL -> cancel(billId, fields.get());
      case REFUND -> refund(billId, refundId, fields.get());
      case REFUND_STATUS -> Answer.of(ledger.refundStatus(billId, refundId));
    };
  }

  private Answer issue(String billId, Map<String, String> fields) {
    Validated<IssueRequest> request = validator.issue(billId, fields);
    if (!request.isValid()) {
      return Answer.refused(request.resultCode());
    }
    boolean isNew = ledger.find(billId).isEmpty();
    if (isNew && !validator.lifetimeAcceptable(request.value())) {
      return Answer.refused(BAD_PARAMETERS.code());
    }
    return Answer.of(ledger.issue(request.value()));
  }

  private Answer cancel(String billId, Map<String, String> fields) {
    int bodyCode = validator.cancelBody(fields);
    return bodyCode != 0 ? Answer.refused(bodyCode) : Answer.of(ledger.cancel(billId));
  }

  private Answer refund(String billId, String refundId, Map<String, String> fields) {
    Validated<BigDecimal> amount = validator.refundAmount(fields);
    return amount.isValid()
        ? Answer.of(ledger.refund(billId, refundId, amount.value()))
        : Answer.refused(amount.resultCode());
  }
}
