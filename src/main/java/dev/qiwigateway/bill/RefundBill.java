package dev.qiwigateway.bill;

import dev.qiwigateway.domain.RefundStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotentOperation;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * POST /v1/bills/{billId}/refunds. First phase: reserve the refund against the bill under its row lock
 * (a resumption finds the refund this key reserved, and where it got). Then PUT it at QIWI with the
 * same refund_id on every attempt; the second phase records QIWI's answer with its event and the
 * stored answer.
 */
public final class RefundBill implements IdempotentOperation {

  private static final int REFUND_EXISTS_AT_QIWI = 215;

  private final RefundLedger refunds;
  private final QiwiClient qiwi;

  public RefundBill(RefundLedger refunds, QiwiClient qiwi) {
    this.refunds = refunds;
    this.qiwi = qiwi;
  }

  public static JsonObject request(String billId, String refundId, BigDecimal amount) {
    return new JsonObject().put("billId", billId).put("refundId", refundId).put("amount", amount.toPlainString());
  }

  @Override
  public Kind kind() {
    return Kind.REFUND_BILL;
  }

  @Override
  public Phase firstPhase(IdempotencyRecord record) {
    JsonObject request = record.request();
    String billId = request.getString("billId");
    String refundId = request.getString("refundId");
    BigDecimal amount = new BigDecimal(request.getString("amount"));
    return tx -> refunds.reserve(tx, record.merchantId(), billId, refundId, amount, record.key())
        .map(reservation -> decide(billId, reservation));
  }

  private Step decide(String billId, RefundLedger.Reservation reservation) {
    if (reservation instanceof RefundLedger.Reservation.Reserved reserved) {
      Refund refund = reserved.refund();
      return refund.accepted() ? Step.respond(created(refund)) : Step.then(() -> refundAtQiwi(refund));
    }
    Problem problem;
    if (reservation instanceof RefundLedger.Reservation.BillNotFound) {
      // Stored like any final answer: a bill with this id paid later must not be refunded by this key.
      problem = BillAnswers.billNotFound(billId);
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
    return Step.respond(BillAnswers.problem(problem));
  }

  private Future<Phase> refundAtQiwi(Refund refund) {
    return qiwi.refund(refund.billId(), refund.refundId(), refund.amount())
        .map(accepted -> recordAccepted(refund, accepted.status()))
        .recover(failure -> failure instanceof QiwiException.Rejection rejection
            ? (rejection.resultCode() == REFUND_EXISTS_AT_QIWI ? reconcileExisting(refund, rejection)
                : Future.succeededFuture(recordRefused(refund, rejection)))
            : Future.failedFuture(failure))
        .recover(BillAnswers::unknownOutcome);
  }

  /** 215: QIWI has this refund_id for the bill; it is ours when the amount matches. */
  private Future<Phase> reconcileExisting(Refund refund, QiwiException.Rejection rejection) {
    return qiwi.refundStatus(refund.billId(), refund.refundId()).map(existing ->
        existing.amount().compareTo(refund.amount()) == 0
            ? recordAccepted(refund, existing.status())
            : recordRefused(refund, rejection));
  }

  private Phase recordAccepted(Refund refund, RefundStatus status) {
    return tx -> refunds.markAccepted(tx, refund.billId(), refund.refundId(), status)
        .map(accepted -> Step.respond(created(accepted.orElse(refund))));
  }

  private Phase recordRefused(Refund refund, QiwiException.Rejection rejection) {
    return tx -> refunds.markRefused(tx, refund.billId(), refund.refundId())
        .map(v -> Step.respond(BillAnswers.problem(BillAnswers.rejected(rejection))));
  }

  private static Reply created(Refund refund) {
    return BillAnswers.created(BillAnswers.refundLocation(refund.billId(), refund.refundId()), refund.toJson());
  }
}
