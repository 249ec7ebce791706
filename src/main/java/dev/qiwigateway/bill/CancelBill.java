package dev.qiwigateway.bill;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotentOperation;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * POST /v1/bills/{billId}/cancel: ask QIWI to reject a waiting bill. Whatever QIWI answers, the bill's
 * status is then settled through the arbiter; after a refusal QIWI's GET tells the truth
 * (docs/qiwi.md#idempotency-at-qiwi), so a bill paid in the meantime is recorded paid and the cancel refused. The
 * bill's status is also where a resumption starts: a bill already final needs no call to QIWI.
 */
public final class CancelBill implements IdempotentOperation {

  private final BillStore bills;
  private final QiwiClient qiwi;

  public CancelBill(BillStore bills, QiwiClient qiwi) {
    this.bills = bills;
    this.qiwi = qiwi;
  }

  public static JsonObject request(String billId) {
    return new JsonObject().put("billId", billId);
  }

  @Override
  public Kind kind() {
    return Kind.CANCEL_BILL;
  }

  @Override
  public Phase firstPhase(IdempotencyRecord record) {
    String billId = record.request().getString("billId");
    return tx -> bills.find(tx, record.merchantId(), billId).map(found -> {
      if (found.isEmpty()) {
        // Stored like any final answer: a bill with this id issued later must not be cancelled by this key.
        return Step.respond(BillAnswers.problem(BillAnswers.billNotFound(billId)));
      }
      if (found.get().status().isFinal()) {
        // Final before this request started, rejected included: the contract's 409.
        return Step.respond(BillAnswers.problem(BillAnswers.notCancellable(found.get().status())));
      }
      return Step.then(() -> cancelAtQiwi(billId));
    });
  }

  private Future<Phase> cancelAtQiwi(String billId) {
    return qiwi.cancelBill(billId)
        .map(cancelled -> cancelled.status())
        .recover(failure -> failure instanceof QiwiException.Rejection
            ? qiwi.billStatus(billId).map(truth -> truth.status())
            : Future.failedFuture(failure))
        .<Phase>map(status -> tx -> bills.applyStatus(tx, billId, status)
            .compose(changed -> bills.byId(tx, billId))
            .map(current -> Step.respond(answer(current.orElseThrow()))))
        .recover(BillAnswers::unknownOutcome);
  }

  /**
   * After asking QIWI: 200 with the bill when it ended rejected (by this cancel, even if a notification
   * recorded it first); otherwise 409 naming the status it has.
   */
  private static Reply answer(Bill bill) {
    return bill.status() == BillStatus.REJECTED
        ? BillAnswers.ok(bill.toJson())
        : BillAnswers.problem(BillAnswers.notCancellable(bill.status()));
  }
}
