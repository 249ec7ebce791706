package dev.qiwigateway.polling;

import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Issued bills QIWI still calls {@code waiting}; their checks end at the expiry, plus a grace period. */
final class BillPolls implements PolledKind<BillStore.CheckLease, QiwiBill> {

  private static final Logger LOG = LoggerFactory.getLogger(BillPolls.class);

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
