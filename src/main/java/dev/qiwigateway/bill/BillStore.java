package dev.qiwigateway.bill;

import dev.qiwigateway.db.Database;
import java.time.OffsetDateTime;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.event.EventStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bills in PostgreSQL. Every status change goes through {@link #applyStatus}, the single
 * compare-and-set arbiter of docs/architecture.md#the-arbiter: only a {@code waiting} bill changes, and the event is
 * written in the same transaction only when it did.
 */
public final class BillStore {

  private static final String RESERVE = "INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, "
      + "pay_source, provider_name, success_url, fail_url, pay_url, expires_at, created_by_key) "
      // Typed as their base types: the columns are domains (V6), whose type ids the pg client does not know.
      + "VALUES ($1::text, $2::text, $3, $4::text, $5::text, $6, $7, $8, $9, $10, $11, $12, $13) "
      + "ON CONFLICT (bill_id) DO NOTHING "
      + "RETURNING bill_id";
  private static final String BY_ID = "SELECT " + Bill.COLUMNS + " FROM bill WHERE bill_id = $1";
  private static final String ISSUED_OF_MERCHANT = "SELECT " + Bill.COLUMNS
      + " FROM bill WHERE bill_id = $1 AND merchant_id = $2 AND issue_state = 'issued'";
  // least(next_poll_at, ...): a bill QIWI already notified us about (NotificationInbox) is checked at once.
  private static final String MARK_ISSUED = "UPDATE bill SET issue_state = 'issued', status = $2, "
      + "status_changed_at = CASE WHEN $2 <> 'waiting' THEN now() END, qiwi_checked_at = now(), updated_at = now(), "
      + "next_poll_at = CASE WHEN $2 = 'waiting' "
      + "THEN least(next_poll_at, now() + $3::int * interval '1 millisecond', expires_at) END "
      + "WHERE bill_id = $1 AND issue_state = 'pending' RETURNING " + Bill.COLUMNS;
  /** A pending bill has no event, refund or poll yet: nothing refers to it. */
  private static final String RELEASE_REFUSED = "DELETE FROM bill WHERE bill_id = $1 AND issue_state = 'pending'";
  private static final String APPLY_STATUS = "UPDATE bill SET status = $2, status_changed_at = now(), "
      + "qiwi_checked_at = now(), updated_at = now(), next_poll_at = NULL "
      + "WHERE bill_id = $1 AND status = 'waiting' AND issue_state = 'issued' AND $2 <> 'waiting' "
      + "RETURNING " + Bill.COLUMNS;
  private static final String TOUCH_CHECKED = "UPDATE bill SET qiwi_checked_at = now() WHERE bill_id = $1";

  private final Pool pool;
  private final int firstPollMs;

  /** {@code firstPoll}: when the poller first checks an issued bill, but never later than its expiry. */
  public BillStore(Pool pool, Duration firstPoll) {
    this.pool = pool;
    this.firstPollMs = Math.toIntExact(firstPoll.toMillis());
  }

  /**
   * Inserts a pending bill; false when the bill_id is already taken (by this request's key or another).
   * The pending row with its {@code created_by_key} is where a resumed issue request starts again.
   */
  Future<Boolean> reserve(SqlClient client, NewBill bill, String merchantId, String payUrl,
      String idempotencyKey) {
    Tuple values = Tuple.tuple()
        .addString(bill.billId()).addString(merchantId).addBigDecimal(bill.amount()).addString(bill.currency())
        .addString(bill.customer()).addString(bill.comment()).addString(bill.paySource())
        .addString(bill.providerName()).addString(bill.successUrl()).addString(bill.failUrl()).addString(payUrl)
        .addOffsetDateTime(bill.expiresAt().atOffset(ZoneOffset.UTC)).addString(idempotencyKey);
    return client.preparedQuery(RESERVE).execute(values).map(rows -> rows.rowCount() == 1);
  }

  Future<Optional<Bill>> byId(SqlClient client, String billId) {
    return client.preparedQuery(BY_ID).execute(Tuple.of(billId)).map(BillStore::first);
  }

  /** A bill the merchant can see: its own and issued at QIWI. */
  public Future<Optional<Bill>> find(String merchantId, String billId) {
    return find(pool, merchantId, billId);
  }

  Future<Optional<Bill>> find(SqlClient client, String merchantId, String billId) {
    return client.preparedQuery(ISSUED_OF_MERCHANT).execute(Tuple.of(billId, merchantId)).map(BillStore::first);
  }

  /**
   * QIWI confirmed the bill: it becomes visible with QIWI's status and its first event, in the caller's
   * tx. Empty when it was no longer pending. The event's insert is sent, not awaited: the caller's
   * transaction must wait for {@link Confirmed#announced} before it commits, and may send more meanwhile.
   */
  Future<Optional<Confirmed>> markIssued(SqlClient tx, String billId, BillStatus status) {
    return tx.preparedQuery(MARK_ISSUED).execute(Tuple.of(billId, status.wireName(), firstPollMs))
        .map(BillStore::first)
        .map(issued -> issued.map(bill -> new Confirmed(bill, announce(tx, bill))));
  }

  /** A bill just marked issued, and the write of its first event, still in flight. */
  record Confirmed(Bill bill, Future<Void> announced) {
  }

  /** QIWI refused to issue the bill: its pending row is deleted, in the caller's tx, and its billId is free again. */
  Future<Void> releaseRefused(SqlClient tx, String billId) {
    return tx.preparedQuery(RELEASE_REFUSED).execute(Tuple.of(billId)).mapEmpty();
  }

  /**
   * The arbiter: moves a waiting bill to {@code status} and writes its event, in the caller's
   * transaction. Empty when nothing changed (already final, or {@code status} is waiting).
   */
  public Future<Optional<Bill>> applyStatus(SqlClient tx, String billId, BillStatus status) {
    return tx.preparedQuery(APPLY_STATUS).execute(Tuple.of(billId, status.wireName()))
        .map(BillStore::first)
        .compose(changed -> changed.isEmpty() ? Future.succeededFuture(changed)
            : announce(tx, changed.get()).map(changed));
  }

  /** Applies a status QIWI reported, outside any other work: its own transaction. */
  public Future<Optional<Bill>> applyStatus(String billId, BillStatus status) {
    return Database.transaction(pool, tx -> applyStatus(tx, billId, status));
  }

  Future<Void> touchChecked(String billId) {
    return pool.preparedQuery(TOUCH_CHECKED).execute(Tuple.of(billId)).mapEmpty();
  }

  private static Future<Void> announce(SqlClient tx, Bill bill) {
    return EventStore.append(tx, announcement(bill)).mapEmpty();
  }

  private static EventStore.Draft announcement(Bill bill) {
    return new EventStore.Draft(bill.merchantId(), "bill." + bill.status().wireName(), bill.billId(), null,
        bill.toJson());
  }

  private static Optional<Bill> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Bill.from(rows.iterator().next()));
  }

  // The poller's status checks. A CTE, not IN (subquery): it is evaluated exactly once, so the LIMIT and
  // the row locks hold as written.
  private static final String LEASE_DUE_CHECKS = "WITH due AS (SELECT bill_id FROM bill "
      + "WHERE status = 'waiting' AND issue_state = 'issued' AND next_poll_at <= now() "
      + "AND (poll_lease_until IS NULL OR poll_lease_until < now()) "
      + "ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
      + "UPDATE bill SET poll_lease_until = now() + $2::int * interval '1 millisecond' "
      + "FROM due WHERE bill.bill_id = due.bill_id "
      + "RETURNING bill.bill_id, bill.expires_at, bill.poll_attempts, bill.poll_lease_until";
  private static final String FINISH_CHECK = "UPDATE bill SET poll_attempts = poll_attempts + 1, "
      + "poll_lease_until = NULL, qiwi_checked_at = CASE WHEN $4 THEN now() ELSE qiwi_checked_at END, "
      + "next_poll_at = CASE WHEN status = 'waiting' THEN $3::timestamptz END "
      + "WHERE bill_id = $1 AND poll_lease_until = $2";
  private static final String RELEASE_CHECK =
      "UPDATE bill SET poll_lease_until = NULL WHERE bill_id = $1 AND poll_lease_until = $2";
  private static final String CHECK_LAG = "SELECT coalesce((extract(epoch FROM now() - min(next_poll_at)) * 1000)"
      + "::bigint, 0) FROM bill WHERE status = 'waiting' AND issue_state = 'issued' AND next_poll_at <= now()";

  /** Leases up to {@code limit} status checks that are due and that no replica holds, oldest due first. */
  public Future<List<CheckLease>> leaseDueChecks(int limit, Duration lease) {
    return pool.preparedQuery(LEASE_DUE_CHECKS).execute(Tuple.of(limit, Math.toIntExact(lease.toMillis())))
        .map(rows -> {
          List<CheckLease> leases = new ArrayList<>(rows.size());
          rows.forEach(row -> leases.add(new CheckLease(row.getString("bill_id"),
              row.getOffsetDateTime("expires_at").toInstant(), row.getInteger("poll_attempts"),
              row.getOffsetDateTime("poll_lease_until"))));
          return leases;
        });
  }

  /**
   * Records a check, in the caller's transaction when it applied a status: one more check done, the next
   * at {@code nextCheck} (none once the bill is final), the lease ended. Only while the lease is ours.
   */
  public Future<Void> finishCheck(SqlClient client, CheckLease check, Instant nextCheck, boolean answered) {
    return client.preparedQuery(FINISH_CHECK)
        .execute(Tuple.of(check.billId(), check.leaseUntil(), nextCheck.atOffset(ZoneOffset.UTC), answered))
        .mapEmpty();
  }

  /** Gives unchecked leases back as they were, where this replica still holds them. */
  public Future<Void> releaseChecks(List<CheckLease> checks) {
    List<Tuple> keys = checks.stream().map(check -> Tuple.of(check.billId(), check.leaseUntil())).toList();
    return keys.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(RELEASE_CHECK).executeBatch(keys).mapEmpty();
  }

  /** How long the oldest due check has been waiting; zero when none is due. */
  public Future<Duration> checkLag() {
    return pool.query(CHECK_LAG).execute().map(rows -> Duration.ofMillis(rows.iterator().next().getLong(0)));
  }

  /**
   * A waiting bill's next status check, leased by one replica's poller. {@code leaseUntil} is the value this
   * replica wrote, so it also identifies the lease: a replica whose lease was taken over writes nothing.
   */
  public record CheckLease(String billId, Instant expiresAt, int checksDone, OffsetDateTime leaseUntil) {
  }
}
