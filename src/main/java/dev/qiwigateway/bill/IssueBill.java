package dev.qiwigateway.bill;

import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotentOperation;
import dev.qiwigateway.qiwi.BillIssue;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiException;
import io.vertx.core.Future;

/**
 * POST /v1/bills as a resumable operation. First phase: reserve the bill_id for this request's key (a
 * resumption finds its own pending row there). Then PUT the bill at QIWI; the second phase records
 * QIWI's answer with the first event and the stored answer. A resumption (retry, take-over or
 * completer) re-sends the very same PUT, which QIWI treats idempotently.
 */
public final class IssueBill implements IdempotentOperation {

  private static final int BILL_EXISTS_AT_QIWI = 215;

  private final BillStore bills;
  private final QiwiClient qiwi;
  private final QiwiSettings qiwiSettings;

  public IssueBill(BillStore bills, QiwiClient qiwi, QiwiSettings qiwiSettings) {
    this.bills = bills;
    this.qiwi = qiwi;
    this.qiwiSettings = qiwiSettings;
  }

  @Override
  public Kind kind() {
    return Kind.ISSUE_BILL;
  }

  @Override
  public Phase firstPhase(IdempotencyRecord record) {
    NewBill bill = NewBill.fromStored(record.request());
    String payUrl = PayUrl.of(qiwiSettings.payUrl(), qiwiSettings.credentials().prvId(), bill);
    return tx -> bills.reserve(tx, bill, record.merchantId(), payUrl, record.key())
        .compose(reserved -> reserved.isPresent() ? Future.<Step>succeededFuture(atQiwi(bill))
            : bills.byId(tx, bill.billId()).map(existing -> resumeOrRefuse(record, bill, existing.orElseThrow())));
  }

  /** The bill_id exists already: this request's own earlier attempt, or somebody else's bill. */
  private Step resumeOrRefuse(IdempotencyRecord held, NewBill bill, Bill found) {
    boolean ours = found.merchantId().equals(held.merchantId()) && found.createdByKey().equals(held.key());
    if (!ours || "refused".equals(found.issueState())) {
      return Step.respond(Responses.problem(Problem.of(409, "bill_exists", "Bill already exists",
          "A bill with billId '" + bill.billId() + "' already exists; choose another billId.")));
    }
    return found.issued() ? Step.respond(created(found)) : atQiwi(bill);
  }

  private Step atQiwi(NewBill bill) {
    BillIssue issue = new BillIssue(bill.billId(), bill.customer(), bill.amount(), bill.currency(), bill.comment(),
        bill.expiresAt(), bill.paySource(), bill.providerName());
    return Step.then(() -> qiwi.issueBill(issue)
        .map(issued -> recordIssued(bill.billId(), issued.status()))
        .recover(failure -> failure instanceof QiwiException.Rejection rejection
            ? (rejection.resultCode() == BILL_EXISTS_AT_QIWI ? reconcileExisting(bill, rejection)
                : Future.succeededFuture(recordRefused(bill.billId(), rejection)))
            : Future.failedFuture(failure))
        .recover(failure -> failure instanceof QiwiException.ProtocolViolation
            ? Future.succeededFuture(recordRefused(bill.billId(), ProviderProblems.foreignAnswer()))
            : ProviderProblems.unknownOutcome(failure)));
  }

  /** 215: QIWI has a bill with this id; it is ours when amount, currency and wallet match (docs/qiwi.md#idempotency-at-qiwi). */
  private Future<Phase> reconcileExisting(NewBill bill, QiwiException.Rejection rejection) {
    return qiwi.billStatus(bill.billId()).map(existing -> matches(existing, bill)
        ? recordIssued(bill.billId(), existing.status())
        : recordRefused(bill.billId(), rejection));
  }

  private static boolean matches(QiwiBill existing, NewBill bill) {
    return existing.amount().compareTo(bill.amount()) == 0
        && existing.currency().equals(bill.currency())
        && (existing.user() == null || existing.user().equals(bill.customer()));
  }

  private Phase recordIssued(String billId, BillStatus status) {
    return tx -> bills.markIssued(tx, billId, status)
        .compose(issued -> issued.isPresent() ? Future.succeededFuture(issued) : bills.byId(tx, billId))
        .map(bill -> Step.respond(created(bill.orElseThrow())));
  }

  private Phase recordRefused(String billId, QiwiException.Rejection rejection) {
    return recordRefused(billId, ProviderProblems.rejected(rejection));
  }

  /** A final failure: stored with the key, so that neither the retry nor the completer sends it again. */
  private Phase recordRefused(String billId, Problem refusal) {
    return tx -> bills.markRefused(tx, billId)
        .map(v -> Step.respond(Responses.problem(refusal)));
  }

  private static Reply created(Bill bill) {
    return Responses.created(Responses.billLocation(bill.billId()), bill.toJson());
  }
}
