package dev.qiwigateway.bill;

import dev.qiwigateway.domain.RefundStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.idempotency.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotencyStore;
import dev.qiwigateway.idempotency.IdempotentOperation;
import dev.qiwigateway.idempotency.Outcome;
import dev.qiwigateway.idempotency.StoredResponse;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiRejection;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;

/**
 * POST /v1/bills/{billId}/refunds: reserve the refund against the bill under its row lock, PUT it at
 * QIWI with the same refund_id on every attempt, then record QIWI's answer with its event and the
 * stored response in one transaction.
 */
public final class RefundBill implements IdempotentOperation {

  public static final String NAME = "refund_bill";
  private static final int REFUND_EXISTS_AT_QIWI = 215;

  private final Pool pool;
  private final RefundLedger refunds;
  private final IdempotencyStore keys;
  private final QiwiClient qiwi;

  public RefundBill(Pool pool, RefundLedger refunds, IdempotencyStore keys, QiwiClient qiwi) {
    this.pool = pool;
    this.refunds = refunds;
    this.keys = keys;
    this.qiwi = qiwi;
  }

  public static JsonObject request(String billId, String refundId, BigDecimal amount) {
    return new JsonObject().put("billId", billId).put("refundId", refundId).put("amount", amount.toPlainString());
  }

  /** The reservation's result: either the answer already, or a refund to take to QIWI. */
  private record Step(Outcome outcome, Refund refund) {
  }

  @Override
  public Future<Outcome> execute(IdempotencyRecord record) {
    JsonObject request = record.request();
    String billId = request.getString("billId");
    String refundId = request.getString("refundId");
    BigDecimal amount = new BigDecimal(request.getString("amount"));
    return pool.withTransaction(tx -> refunds.reserve(tx, record.merchantId(), billId, refundId, amount, record.key())
            .compose(reservation -> decide(tx, record, billId, reservation)))
        .compose(step -> step.outcome() != null ? Future.succeededFuture(step.outcome()) : proceed(record, step.refund()))
        .recover(failure -> Future.succeededFuture(new Outcome.NotStored(ProviderProblems.unavailable(failure))));
  }

  private Future<Step> decide(SqlClient tx, IdempotencyRecord held, String billId,
      RefundLedger.Reservation reservation) {
    if (reservation instanceof RefundLedger.Reservation.Reserved reserved) {
      return Future.succeededFuture(new Step(null, reserved.refund()));
    }
    Problem problem;
    if (reservation instanceof RefundLedger.Reservation.BillNotFound) {
      // Stored like any final answer: a bill with this id paid later must not be refunded by this key.
      problem = Responses.billNotFound(billId);
    } else if (reservation instanceof RefundLedger.Reservation.BillNotRefundable notRefundable) {
      problem = Problem.of(409, "bill_not_refundable", "Bill cannot be refunded",
          "The bill is " + notRefundable.status().wireName() + "; only a paid bill can be refunded.")
          .with("billStatus", notRefundable.status().wireName());
    } else if (reservation instanceof RefundLedger.Reservation.ExceedsPaid exceeds) {
      problem = Problem.of(422, "refund_exceeds_paid", "Refund exceeds the paid amount",
          "Refunds of this bill may add up to at most " + exceeds.available().toPlainString() + " more.");
    } else {
      problem = Problem.of(409, "refund_exists", "Refund already exists",
          "This bill already has a refund with that refundId; choose another refundId.");
    }
    StoredResponse response = Responses.problem(problem);
    return keys.complete(tx, held, response).map(v -> new Step(new Outcome.Completed(response), null));
  }

  private Future<Outcome> proceed(IdempotencyRecord held, Refund refund) {
    if (refund.accepted()) {
      return complete(held, created(refund));
    }
    return qiwi.refund(refund.billId(), refund.refundId(), refund.amount())
        .compose(accepted -> recordAccepted(held, refund, accepted.status()))
        .recover(failure -> {
          if (failure instanceof QiwiRejection rejection) {
            return rejection.resultCode() == REFUND_EXISTS_AT_QIWI
                ? reconcileExisting(held, refund, rejection)
                : recordRefused(held, refund, rejection);
          }
          return Future.failedFuture(failure);
        });
  }

  /** 215: QIWI has this refund_id for the bill; it is ours when the amount matches. */
  private Future<Outcome> reconcileExisting(IdempotencyRecord held, Refund refund, QiwiRejection rejection) {
    return qiwi.refundStatus(refund.billId(), refund.refundId()).compose(existing ->
        existing.amount().compareTo(refund.amount()) == 0
            ? recordAccepted(held, refund, existing.status())
            : recordRefused(held, refund, rejection));
  }

  private Future<Outcome> recordAccepted(IdempotencyRecord held, Refund refund, RefundStatus status) {
    return pool.withTransaction(tx -> refunds.markAccepted(tx, refund.billId(), refund.refundId(), status)
        .compose(accepted -> {
          StoredResponse response = created(accepted.orElse(refund));
          return keys.complete(tx, held, response).map(v -> (Outcome) new Outcome.Completed(response));
        }));
  }

  private Future<Outcome> recordRefused(IdempotencyRecord held, Refund refund, QiwiRejection rejection) {
    StoredResponse refused = Responses.problem(ProviderProblems.rejected(rejection));
    return pool.withTransaction(tx -> refunds.markRefused(tx, refund.billId(), refund.refundId())
        .compose(v -> keys.complete(tx, held, refused)))
        .map(v -> new Outcome.Completed(refused));
  }

  private Future<Outcome> complete(IdempotencyRecord held, StoredResponse response) {
    return pool.withTransaction(tx -> keys.complete(tx, held, response)).map(v -> new Outcome.Completed(response));
  }

  private static StoredResponse created(Refund refund) {
    return Responses.created(Responses.refundLocation(refund.billId(), refund.refundId()), refund.toJson());
  }
}
