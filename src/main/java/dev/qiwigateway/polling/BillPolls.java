package dev.qiwigateway.polling;

import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Issued bills QIWI still calls {@code waiting}: claimed by lease, checked, recorded through the arbiter. */
final class BillPolls implements PolledKind<BillPolls.Claim, QiwiBill> {

  /** A leased bill; {@code leaseUntil} is the value this replica wrote, so it also identifies the lease. */
  record Claim(String billId, Instant expiresAt, int checksDone, OffsetDateTime leaseUntil) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(BillPolls.class);

  // A CTE, not IN (subquery): it is evaluated exactly once, so the LIMIT and the row locks hold as written.
  private static final String CLAIM = "WITH due AS (SELECT bill_id FROM bill "
      + "WHERE status = 'waiting' AND issue_state = 'issued' AND next_poll_at <= now() "
      + "AND (poll_lease_until IS NULL OR poll_lease_until < now()) "
      + "ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
      + "UPDATE bill SET poll_lease_until = now() + $2::int * interval '1 millisecond' "
      + "FROM due WHERE bill.bill_id = due.bill_id "
      + "RETURNING bill.bill_id, bill.expires_at, bill.poll_attempts, bill.poll_lease_until";
  private static final String FINISH = "UPDATE bill SET poll_attempts = poll_attempts + 1, poll_lease_until = NULL, "
      + "qiwi_checked_at = CASE WHEN $4 THEN now() ELSE qiwi_checked_at END, "
      + "next_poll_at = CASE WHEN status = 'waiting' THEN $3::timestamptz END "
      + "WHERE bill_id = $1 AND poll_lease_until = $2";
  private static final String RELEASE =
      "UPDATE bill SET poll_lease_until = NULL WHERE bill_id = $1 AND poll_lease_until = $2";
  private static final String LAG = "SELECT (extract(epoch FROM now() - min(next_poll_at)) * 1000)::bigint FROM bill "
      + "WHERE status = 'waiting' AND issue_state = 'issued' AND next_poll_at <= now()";

  private final Pool pool;
  private final BillStore bills;
  private final QiwiClient qiwi;
  private final PollSchedule schedule;
  private final Clock clock;

  BillPolls(Pool pool, BillStore bills, QiwiClient qiwi, PollSchedule schedule, Clock clock) {
    this.pool = pool;
    this.bills = bills;
    this.qiwi = qiwi;
    this.schedule = schedule;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "bill";
  }

  @Override
  public Future<List<Claim>> claim(int limit, Duration lease) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, Math.toIntExact(lease.toMillis())))
        .map(BillPolls::claims);
  }

  @Override
  public Future<QiwiBill> ask(Claim claim) {
    return qiwi.billStatus(claim.billId());
  }

  @Override
  public Future<Boolean> record(Claim claim, QiwiBill answer) {
    Instant now = clock.instant();
    Instant next = schedule.nextBillCheck(now, claim.checksDone() + 1, claim.expiresAt());
    if (!answer.status().isFinal()) {
      if (schedule.pastFinalCheck(now, claim.expiresAt())) {
        LOG.atWarn().addKeyValue("billId", claim.billId()).addKeyValue("expiresAt", claim.expiresAt())
            .log("QIWI still reports an expired bill waiting after the grace period; checking again at the cap");
      }
      return finish(pool, claim, next, true).map(false);
    }
    return pool.withTransaction(tx -> bills.applyStatus(tx, claim.billId(), answer.status())
        .compose(changed -> finish(tx, claim, next, true).map(changed.isPresent())));
  }

  @Override
  public Future<Void> backOff(Claim claim) {
    Instant next = schedule.nextBillCheck(clock.instant(), claim.checksDone() + 1, claim.expiresAt());
    return finish(pool, claim, next, false);
  }

  @Override
  public Future<Void> release(List<Claim> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> keys = claims.stream().map(claim -> Tuple.of(claim.billId(), claim.leaseUntil())).toList();
    return pool.preparedQuery(RELEASE).executeBatch(keys).mapEmpty();
  }

  @Override
  public Future<Duration> lag() {
    return pool.query(LAG).execute().map(PollLag::fromMillisRow);
  }

  @Override
  public String describe(Claim claim) {
    return "bill " + claim.billId();
  }

  private static Future<Void> finish(SqlClient client, Claim claim, Instant next, boolean answered) {
    return client.preparedQuery(FINISH)
        .execute(Tuple.of(claim.billId(), claim.leaseUntil(), next.atOffset(ZoneOffset.UTC), answered))
        .mapEmpty();
  }

  private static List<Claim> claims(RowSet<Row> rows) {
    List<Claim> claims = new ArrayList<>(rows.size());
    for (Row row : rows) {
      claims.add(new Claim(row.getString("bill_id"), row.getOffsetDateTime("expires_at").toInstant(),
          row.getInteger("poll_attempts"), row.getOffsetDateTime("poll_lease_until")));
    }
    return claims;
  }
}
