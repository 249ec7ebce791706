package dev.qiwigateway.polling;

import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiRefund;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
