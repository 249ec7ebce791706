package dev.qiwigateway.polling;

import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiRefund;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of thing the poller follows (bills, refunds): its store's check leases, the question put to
 * QIWI, the arbiter that records a final answer and the schedule of the next check. Every write is
 * conditional on the claim's lease, so a replica whose lease was taken over can no longer touch the
 * schedule. The two kinds, {@link BillPolls} and {@link RefundPolls}, follow the interface method for method
 * over their own store ({@code BillStore}, {@code RefundLedger}); they differ in the claim, the QIWI call
 * and the schedule (a bill's ends at its expiry).
 *
 * @param <C> a claim: the leased row's key, what the schedule needs, and the lease it holds
 * @param <A> QIWI's answer
 */
interface PolledKind<C, A> {

  /** The {@code kind} tag of the poller's metrics. */
  String name();

  /** Leases up to {@code limit} due checks that no other replica holds, oldest due first. */
  Future<List<C>> claim(int limit, Duration lease);

  Future<A> ask(C claim);

  boolean isFinal(A answer);

  /** Applies a final answer through the arbiter (the only way a status changes), in {@code tx}; true when it changed. */
  Future<Boolean> applyFinal(SqlClient tx, C claim, A answer);

  /** When to check again, one check later than the claim says. */
  Instant nextCheck(C claim, Instant now);

  /** Records a check: the next one scheduled (none once final), the lease released. */
  Future<Void> finish(SqlClient client, C claim, Instant next, boolean answered);

  /** Gives unchecked claims back as they were, where this replica still holds them. */
  Future<Void> release(List<C> claims);

  /** How far behind the oldest due check is (zero when nothing is due): the poller lag. */
  Future<Duration> lag();

  /** The claim as log lines name it. */
  String describe(C claim);

  /** QIWI answered with a status that is not final yet. */
  default void stillOpen(C claim, Instant now) {
  }

  /** Issued bills QIWI still calls {@code waiting}; their checks end at the expiry, plus a grace period. */
  final class BillPolls implements PolledKind<BillStore.CheckLease, QiwiBill> {

    // Named as when this class stood alone, so that log queries on it keep finding its lines.
    private static final Logger LOG = LoggerFactory.getLogger("dev.qiwigateway.polling.BillPolls");

    private final BillStore bills;
    private final QiwiClient qiwi;
    private final PollSchedule schedule;

    BillPolls(BillStore bills, QiwiClient qiwi, PollSchedule schedule) {
      this.bills = bills;
      this.qiwi = qiwi;
      this.schedule = schedule;
    }

    @Override
    public String name() {
      return "bill";
    }

    @Override
    public Future<List<BillStore.CheckLease>> claim(int limit, Duration lease) {
      return bills.leaseDueChecks(limit, lease);
    }

    @Override
    public Future<QiwiBill> ask(BillStore.CheckLease claim) {
      return qiwi.billStatus(claim.billId());
    }

    @Override
    public boolean isFinal(QiwiBill answer) {
      return answer.status().isFinal();
    }

    @Override
    public Future<Boolean> applyFinal(SqlClient tx, BillStore.CheckLease claim, QiwiBill answer) {
      return bills.applyStatus(tx, claim.billId(), answer.status()).map(changed -> changed.isPresent());
    }

    @Override
    public Instant nextCheck(BillStore.CheckLease claim, Instant now) {
      return schedule.nextBillCheck(now, claim.checksDone() + 1, claim.expiresAt());
    }

    @Override
    public Future<Void> finish(SqlClient client, BillStore.CheckLease claim, Instant next, boolean answered) {
      return bills.finishCheck(client, claim, next, answered);
    }

    @Override
    public Future<Void> release(List<BillStore.CheckLease> claims) {
      return bills.releaseChecks(claims);
    }

    @Override
    public Future<Duration> lag() {
      return bills.checkLag();
    }

    @Override
    public String describe(BillStore.CheckLease claim) {
      return "bill " + claim.billId();
    }

    @Override
    public void stillOpen(BillStore.CheckLease claim, Instant now) {
      if (schedule.pastFinalCheck(now, claim.expiresAt())) {
        LOG.atWarn().addKeyValue("billId", claim.billId()).addKeyValue("expiresAt", claim.expiresAt())
            .log("QIWI still reports an expired bill waiting after the grace period; checking again at the cap");
      }
    }
  }

  /** Refunds QIWI accepted and still calls {@code processing}; they have no deadline, only a back-off cap. */
  final class RefundPolls implements PolledKind<RefundLedger.CheckLease, QiwiRefund> {

    private final RefundLedger refunds;
    private final QiwiClient qiwi;
    private final PollSchedule schedule;

    RefundPolls(RefundLedger refunds, QiwiClient qiwi, PollSchedule schedule) {
      this.refunds = refunds;
      this.qiwi = qiwi;
      this.schedule = schedule;
    }

    @Override
    public String name() {
      return "refund";
    }

    @Override
    public Future<List<RefundLedger.CheckLease>> claim(int limit, Duration lease) {
      return refunds.leaseDueChecks(limit, lease);
    }

    @Override
    public Future<QiwiRefund> ask(RefundLedger.CheckLease claim) {
      return qiwi.refundStatus(claim.billId(), claim.refundId());
    }

    @Override
    public boolean isFinal(QiwiRefund answer) {
      return answer.status().isFinal();
    }

    @Override
    public Future<Boolean> applyFinal(SqlClient tx, RefundLedger.CheckLease claim, QiwiRefund answer) {
      return refunds.applyStatus(tx, claim.billId(), claim.refundId(), answer.status())
          .map(changed -> changed.isPresent());
    }

    @Override
    public Instant nextCheck(RefundLedger.CheckLease claim, Instant now) {
      return schedule.nextCheck(now, claim.checksDone() + 1);
    }

    @Override
    public Future<Void> finish(SqlClient client, RefundLedger.CheckLease claim, Instant next, boolean answered) {
      return refunds.finishCheck(client, claim, next, answered);
    }

    @Override
    public Future<Void> release(List<RefundLedger.CheckLease> claims) {
      return refunds.releaseChecks(claims);
    }

    @Override
    public Future<Duration> lag() {
      return refunds.checkLag();
    }

    @Override
    public String describe(RefundLedger.CheckLease claim) {
      return "refund " + claim.refundId() + " of bill " + claim.billId();
    }
  }
}
