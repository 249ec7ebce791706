package dev.qiwigateway.bill;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.idempotency.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotencyStore;
import dev.qiwigateway.idempotency.IdempotentOperation;
import dev.qiwigateway.idempotency.Outcome;
import dev.qiwigateway.idempotency.StoredResponse;
import dev.qiwigateway.qiwi.BillIssue;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiRejection;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * POST /v1/bills as a resumable operation: reserve the bill_id for this request, PUT it at QIWI,
 * then record QIWI's answer, the first event and the stored response in one transaction. A resume
 * (retry, take-over or completer) re-sends the very same PUT, which QIWI treats idempotently.
 */
public final class IssueBill implements IdempotentOperation {

  public static final String NAME = "issue_bill";
  private static final int BILL_EXISTS_AT_QIWI = 215;

  private final Pool pool;
  private final BillStore bills;
  private final IdempotencyStore keys;
  private final QiwiClient qiwi;
  private final QiwiSettings qiwiSettings;

  public IssueBill(Pool pool, BillStore bills, IdempotencyStore keys, QiwiClient qiwi, QiwiSettings qiwiSettings) {
    this.pool = pool;
    this.bills = bills;
    this.keys = keys;
    this.qiwi = qiwi;
    this.qiwiSettings = qiwiSettings;
  }

  @Override
  public Future<Outcome> execute(IdempotencyRecord record) {
    NewBill bill = NewBill.fromStored(record.request());
    String payUrl = PayUrl.of(qiwiSettings.payUrl(), qiwiSettings.credentials().prvId(), bill);
    return bills.reserve(bill, record.merchantId(), payUrl, record.key())
        .compose(reserved -> reserved.isPresent() ? issueAtQiwi(record, bill) : resumeOrRefuse(record, bill))
        .recover(failure -> Future.succeededFuture(new Outcome.NotStored(ProviderProblems.unavailable(failure))));
  }

  /** The bill_id exists already: this request's own earlier attempt, or somebody else's bill. */
  private Future<Outcome> resumeOrRefuse(IdempotencyRecord held, NewBill bill) {
    return bills.byId(bill.billId()).compose(existing -> {
      Bill found = existing.orElseThrow();
      boolean ours = found.merchantId().equals(held.merchantId()) && found.createdByKey().equals(held.key());
      if (!ours || "refused".equals(found.issueState())) {
        return complete(held, Responses.problem(Problem.of(409, "bill_exists", "Bill already exists",
            "A bill with billId '" + bill.billId() + "' already exists; choose another billId.")));
      }
      return found.issued() ? complete(held, created(found)) : issueAtQiwi(held, bill);
    });
  }

  private Future<Outcome> issueAtQiwi(IdempotencyRecord held, NewBill bill) {
    BillIssue issue = new BillIssue(bill.billId(), bill.customer(), bill.amount(), bill.currency(), bill.comment(),
        bill.expiresAt(), bill.paySource(), bill.providerName());
    return qiwi.issueBill(issue)
        .compose(issued -> recordIssued(held, bill.billId(), issued.status()))
        .recover(failure -> {
          if (failure instanceof QiwiRejection rejection) {
            return rejection.resultCode() == BILL_EXISTS_AT_QIWI
                ? reconcileExisting(held, bill, rejection)
                : recordRefused(held, bill.billId(), rejection);
          }
          return Future.failedFuture(failure);
        });
  }

  /** 215: QIWI has a bill with this id; it is ours when amount, currency and wallet match (qiwi-protocol.md §5). */
  private Future<Outcome> reconcileExisting(IdempotencyRecord held, NewBill bill, QiwiRejection rejection) {
    return qiwi.billStatus(bill.billId()).compose(existing -> matches(existing, bill)
        ? recordIssued(held, bill.billId(), existing.status())
        : recordRefused(held, bill.billId(), rejection));
  }

  private static boolean matches(QiwiBill existing, NewBill bill) {
    return existing.amount().compareTo(bill.amount()) == 0
        && existing.currency().equals(bill.currency())
        && (existing.user() == null || existing.user().equals(bill.customer()));
  }

  private Future<Outcome> recordIssued(IdempotencyRecord held, String billId, BillStatus status) {
    return pool.withTransaction(tx -> bills.markIssued(tx, billId, status)
        .compose(issued -> issued.isPresent() ? Future.succeededFuture(issued.get())
            : bills.byId(tx, billId).map(current -> current.orElseThrow()))
        .compose(bill -> {
          StoredResponse response = created(bill);
          return keys.complete(tx, held, response).map(v -> response);
        }))
        .map(Outcome.Completed::new);
  }

  private Future<Outcome> recordRefused(IdempotencyRecord held, String billId, QiwiRejection rejection) {
    StoredResponse refused = Responses.problem(ProviderProblems.rejected(rejection));
    return pool.withTransaction(tx -> bills.markRefused(tx, billId)
        .compose(v -> keys.complete(tx, held, refused)))
        .map(v -> new Outcome.Completed(refused));
  }

  private Future<Outcome> complete(IdempotencyRecord held, StoredResponse response) {
    return pool.withTransaction(tx -> keys.complete(tx, held, response)).map(v -> new Outcome.Completed(response));
  }

  private static StoredResponse created(Bill bill) {
    return Responses.created(Responses.billLocation(bill.billId()), bill.toJson());
  }
}
