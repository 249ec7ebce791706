package dev.qiwigateway.bill;

import dev.qiwigateway.domain.BillStatus;
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

/**
 * POST /v1/bills/{billId}/cancel: ask QIWI to reject a waiting bill. Whatever QIWI answers, the bill's
 * status is then settled through the arbiter; after a refusal QIWI's GET tells the truth
 * (qiwi-protocol.md §5), so a bill paid in the meantime is recorded paid and the cancel refused.
 */
public final class CancelBill implements IdempotentOperation {

  public static final String NAME = "cancel_bill";

  private final Pool pool;
  private final BillStore bills;
  private final IdempotencyStore keys;
  private final QiwiClient qiwi;

  public CancelBill(Pool pool, BillStore bills, IdempotencyStore keys, QiwiClient qiwi) {
    this.pool = pool;
    this.bills = bills;
    this.keys = keys;
    this.qiwi = qiwi;
  }

  public static JsonObject request(String billId) {
    return new JsonObject().put("billId", billId);
  }

  @Override
  public Future<Outcome> execute(IdempotencyRecord record) {
    String billId = record.request().getString("billId");
    return bills.find(record.merchantId(), billId)
        .compose(found -> {
          if (found.isEmpty()) {
            // Stored like any final answer: a bill with this id issued later must not be cancelled by this key.
            return Future.succeededFuture(new Outcome.Answered(Responses.problem(Responses.billNotFound(billId))));
          }
          if (found.get().status().isFinal()) {
            return alreadyFinal(record, found.get());
          }
          return cancelAtQiwi(record, billId);
        })
        .recover(failure -> Future.succeededFuture(new Outcome.NotStored(ProviderProblems.unavailable(failure))));
  }

  private Future<Outcome> cancelAtQiwi(IdempotencyRecord held, String billId) {
    return qiwi.cancelBill(billId)
        .map(cancelled -> cancelled.status())
        .recover(failure -> failure instanceof QiwiRejection
            ? qiwi.billStatus(billId).map(truth -> truth.status())
            : Future.failedFuture(failure))
        .compose(status -> pool.withTransaction(tx -> bills.applyStatus(tx, billId, status)
            .compose(changed -> bills.byId(tx, billId))
            .compose(current -> {
              StoredResponse response = answer(current.orElseThrow());
              return keys.complete(tx, held, response).map(v -> new Outcome.Completed(response));
            })));
  }

  /** Final before this request started, rejected included: the contract's 409. */
  private Future<Outcome> alreadyFinal(IdempotencyRecord held, Bill bill) {
    StoredResponse response = Responses.problem(Responses.notCancellable(bill.status()));
    return pool.withTransaction(tx -> keys.complete(tx, held, response)).map(v -> new Outcome.Completed(response));
  }

  /**
   * After asking QIWI: 200 with the bill when it ended rejected (by this cancel, even if a notification
   * recorded it first); otherwise 409 naming the status it has.
   */
  private static StoredResponse answer(Bill bill) {
    return bill.status() == BillStatus.REJECTED
        ? Responses.ok(bill.toJson())
        : Responses.problem(Responses.notCancellable(bill.status()));
  }
}
