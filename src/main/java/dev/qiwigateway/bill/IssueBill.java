package dev.qiwigateway.bill;

import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotentOperation;
import dev.qiwigateway.qiwi.BillIssue;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiException;
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /v1/bills as a resumable operation. First phase, in the key's own claim transaction: reserve the
 * bill_id for this request's key (a resumption finds its own pending row there). Then PUT the bill at
 * QIWI; the second phase records QIWI's answer with the first event and the stored answer. A resumption
 * (retry, take-over or completer) re-sends the very same PUT, which QIWI treats idempotently.
 *
 * <p>QIWI's refusals (docs/api.md#issue-a-bill): a refusal of this bill is stored as 422
 * provider_rejected and frees its billId (QIWI holds no such bill); a refusal of the gateway itself
 * (credentials, contract, a block) is an operator's problem, answered 503 and never stored, so the same
 * key issues the bill once an operator has fixed it.
 */
public final class IssueBill implements IdempotentOperation {

  private static final int BILL_EXISTS_AT_QIWI = 215;
  private static final Logger LOG = LoggerFactory.getLogger(IssueBill.class);

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

  /** A resumption: the bill as the record stored it, with the billId and expiry first chosen. */
  @Override
  public Phase firstPhase(IdempotencyRecord record) {
    return firstPhase(record, NewBill.fromStored(record.request()));
  }

  /** The first phase for {@code bill}, the record's request: as the handler validated it, or as stored. */
  public Phase firstPhase(IdempotencyRecord record, NewBill bill) {
    String payUrl = bill.payUrl(qiwiSettings.payUrl(), qiwiSettings.credentials().prvId());
    return tx -> bills.reserve(tx, bill, record.merchantId(), payUrl, record.key())
        .compose(reserved -> reserved ? Future.<Step>succeededFuture(atQiwi(bill))
            : bills.byId(tx, bill.billId()).map(existing -> resumeOrRefuse(record, bill, existing)));
  }

  /** The bill_id exists already: this request's own earlier attempt, or somebody else's bill. */
  private Step resumeOrRefuse(IdempotencyRecord held, NewBill bill, Optional<Bill> existing) {
    if (existing.isEmpty()) {
      // The conflicting bill was refused and freed between the two statements: nothing is stored, retry.
      throw Problem.unavailable("The billId was just released; retry with the same Idempotency-Key.", 1);
    }
    Bill found = existing.get();
    boolean ours = found.merchantId().equals(held.merchantId()) && found.createdByKey().equals(held.key());
    if (!ours) {
      return Step.respond(BillAnswers.problem(Problem.of(409, "bill_exists", "Bill already exists",
          "A bill with billId '" + bill.billId() + "' already exists; choose another billId.")));
    }
    return found.issued() ? Step.respond(created(found)) : atQiwi(bill);
  }

  private Step atQiwi(NewBill bill) {
    BillIssue issue = new BillIssue(bill.billId(), bill.customer(), bill.amount(), bill.currency(), bill.comment(),
        bill.expiresAt(), bill.paySource(), bill.providerName());
    return Step.then(() -> qiwi.issueBill(issue)
        .map(issued -> recordIssued(bill.billId(), issued.status()))
        .recover(failure -> failure instanceof QiwiException.Rejection rejection ? refused(bill, rejection)
            : Future.failedFuture(failure))
        .recover(failure -> failure instanceof QiwiException.ProtocolViolation
            ? Future.succeededFuture(recordRefused(bill.billId(), BillAnswers.foreignAnswer()))
            : BillAnswers.unknownOutcome(failure)));
  }

  private Future<Phase> refused(NewBill bill, QiwiException.Rejection rejection) {
    if (rejection.resultCode() == BILL_EXISTS_AT_QIWI) {
      return reconcileExisting(bill, rejection);
    }
    if (rejection.needsOperator()) {
      // QiwiClient has alerted the operators; the pending bill stays for this key's retry or the completer.
      LOG.atWarn().addKeyValue("billId", bill.billId()).addKeyValue("resultCode", rejection.resultCode())
          .log("QIWI refused the gateway itself; the issue waits for an operator and the caller's retry");
      return Future.failedFuture(BillAnswers.integrationRefused());
    }
    return Future.succeededFuture(recordRefused(bill.billId(), rejection));
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

  /** The bill, its first event and the stored answer: the event's insert and the answer travel together. */
  private Phase recordIssued(String billId, BillStatus status) {
    return tx -> bills.markIssued(tx, billId, status).compose(confirmed -> confirmed.isPresent()
        ? Future.succeededFuture(Step.respondWhile(created(confirmed.get().bill()), confirmed.get().announced()))
        : bills.byId(tx, billId).map(bill -> Step.respond(created(bill.orElseThrow()))));
  }

  /** QIWI holds no bill of ours with this id: the pending row goes, so the billId may be issued again. */
  private Phase recordRefused(String billId, QiwiException.Rejection rejection) {
    return recordRefused(billId, BillAnswers.rejected(rejection));
  }

  /** A final failure: stored with the key, so that neither the retry nor the completer sends it again. */
  private Phase recordRefused(String billId, Problem refusal) {
    return tx -> bills.releaseRefused(tx, billId)
        .map(v -> Step.respond(BillAnswers.problem(refusal)));
  }

  private static Reply created(Bill bill) {
    return BillAnswers.created(BillAnswers.billLocation(bill.billId()), bill.toJson());
  }
}
