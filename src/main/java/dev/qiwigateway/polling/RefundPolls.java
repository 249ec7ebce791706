package dev.qiwigateway.polling;

import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiRefund;
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

/** Refunds QIWI accepted and still calls {@code processing}; they have no deadline, only a back-off cap. */
final class RefundPolls implements PolledKind<RefundPolls.Claim, QiwiRefund> {

  record Claim(String billId, String refundId, int checksDone, OffsetDateTime leaseUntil) {
  }

  private static final String CLAIM = "WITH due AS (SELECT bill_id, refund_id FROM refund "
      + "WHERE status = 'processing' AND request_state = 'accepted' AND next_poll_at <= now() "
      + "AND (poll_lease_until IS NULL OR poll_lease_until < now()) "
      + "ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
      + "UPDATE refund SET poll_lease_until = now() + $2::int * interval '1 millisecond' "
      + "FROM due WHERE refund.bill_id = due.bill_id AND refund.refund_id = due.refund_id "
      + "RETURNING refund.bill_id, refund.refund_id, refund.poll_attempts, refund.poll_lease_until";
  private static final String FINISH = "UPDATE refund SET poll_attempts = poll_attempts + 1, poll_lease_until = NULL, "
      + "qiwi_checked_at = CASE WHEN $5 THEN now() ELSE qiwi_checked_at END, "
      + "next_poll_at = CASE WHEN status = 'processing' THEN $4::timestamptz END "
      + "WHERE bill_id = $1 AND refund_id = $2 AND poll_lease_until = $3";
  private static final String RELEASE = "UPDATE refund SET poll_lease_until = NULL "
      + "WHERE bill_id = $1 AND refund_id = $2 AND poll_lease_until = $3";
  private static final String LAG = "SELECT (extract(epoch FROM now() - min(next_poll_at)) * 1000)::bigint FROM refund "
      + "WHERE status = 'processing' AND request_state = 'accepted' AND next_poll_at <= now()";

  private final Pool pool;
  private final RefundLedger refunds;
  private final QiwiClient qiwi;
  private final PollSchedule schedule;
  private final Clock clock;

  RefundPolls(Pool pool, RefundLedger refunds, QiwiClient qiwi, PollSchedule schedule, Clock clock) {
    this.pool = pool;
    this.refunds = refunds;
    this.qiwi = qiwi;
    this.schedule = schedule;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "refund";
  }

  @Override
  public Future<List<Claim>> claim(int limit, Duration lease) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, Math.toIntExact(lease.toMillis())))
        .map(RefundPolls::claims);
  }

  @Override
  public Future<QiwiRefund> ask(Claim claim) {
    return qiwi.refundStatus(claim.billId(), claim.refundId());
  }

  @Override
  public Future<Boolean> record(Claim claim, QiwiRefund answer) {
    Instant next = schedule.nextCheck(clock.instant(), claim.checksDone() + 1);
    if (!answer.status().isFinal()) {
      return finish(pool, claim, next, true).map(false);
    }
    return pool.withTransaction(tx -> refunds.applyStatus(tx, claim.billId(), claim.refundId(), answer.status())
        .compose(changed -> finish(tx, claim, next, true).map(changed.isPresent())));
  }

  @Override
  public Future<Void> backOff(Claim claim) {
    return finish(pool, claim, schedule.nextCheck(clock.instant(), claim.checksDone() + 1), false);
  }

  @Override
  public Future<Void> release(List<Claim> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> keys = claims.stream()
        .map(claim -> Tuple.of(claim.billId(), claim.refundId(), claim.leaseUntil()))
        .toList();
    return pool.preparedQuery(RELEASE).executeBatch(keys).mapEmpty();
  }

  @Override
  public Future<Duration> lag() {
    return pool.query(LAG).execute().map(PollLag::fromMillisRow);
  }

  @Override
  public String describe(Claim claim) {
    return "refund " + claim.refundId() + " of bill " + claim.billId();
  }

  private static Future<Void> finish(SqlClient client, Claim claim, Instant next, boolean answered) {
    return client.preparedQuery(FINISH)
        .execute(Tuple.of(claim.billId(), claim.refundId(), claim.leaseUntil(), next.atOffset(ZoneOffset.UTC),
            answered))
        .mapEmpty();
  }

  private static List<Claim> claims(RowSet<Row> rows) {
    List<Claim> claims = new ArrayList<>(rows.size());
    for (Row row : rows) {
      claims.add(new Claim(row.getString("bill_id"), row.getString("refund_id"), row.getInteger("poll_attempts"),
          row.getOffsetDateTime("poll_lease_until")));
    }
    return claims;
  }
}
