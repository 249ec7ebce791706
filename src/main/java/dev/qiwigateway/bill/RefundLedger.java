package dev.qiwigateway.bill;

import dev.qiwigateway.db.Database;
import java.time.OffsetDateTime;

import dev.qiwigateway.domain.RefundStatus;
import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.event.EventStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refunds of a bill and the rule that they never exceed it. A refund is reserved under a row lock on
 * its bill, so concurrent refunds on any number of replicas are serialised per bill; a reserved
 * refund counts against the bill until QIWI refuses it or it fails.
 */
public final class RefundLedger {

  private static final String LOCK_BILL = "SELECT amount, currency, status FROM bill "
      + "WHERE bill_id = $1 AND merchant_id = $2 AND issue_state = 'issued' FOR UPDATE";
  private static final String BY_ID = "SELECT " + Refund.COLUMNS + " FROM refund WHERE bill_id = $1 AND refund_id = $2";
  private static final String COMMITTED_SUM = "SELECT coalesce(sum(amount), 0) FROM refund "
      + "WHERE bill_id = $1 AND request_state <> 'refused' AND status <> 'fail'";
  private static final String INSERT = "INSERT INTO refund (bill_id, refund_id, merchant_id, amount, currency, "
      + "created_by_key) VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + Refund.COLUMNS;
  private static final String MARK_ACCEPTED = "UPDATE refund SET request_state = 'accepted', status = $3, "
      + "status_changed_at = CASE WHEN $3 <> 'processing' THEN now() END, qiwi_checked_at = now(), updated_at = now(), "
      + "next_poll_at = CASE WHEN $3 = 'processing' THEN now() + $4::int * interval '1 millisecond' END "
      + "WHERE bill_id = $1 AND refund_id = $2 AND request_state = 'pending' RETURNING " + Refund.COLUMNS;
  private static final String MARK_REFUSED = "UPDATE refund SET request_state = 'refused', updated_at = now() "
      + "WHERE bill_id = $1 AND refund_id = $2 AND request_state = 'pending'";
  private static final String APPLY_STATUS = "UPDATE refund SET status = $3, status_changed_at = now(), "
      + "qiwi_checked_at = now(), updated_at = now(), next_poll_at = NULL "
      + "WHERE bill_id = $1 AND refund_id = $2 AND status = 'processing' AND request_state = 'accepted' "
      + "AND $3 <> 'processing' RETURNING " + Refund.COLUMNS;
  private static final String ACCEPTED_OF_MERCHANT = "SELECT " + Refund.COLUMNS + " FROM refund "
      + "WHERE bill_id = $1 AND merchant_id = $2 AND request_state = 'accepted'";

  private final Pool pool;
  private final int firstPollMs;

  /** {@code firstPoll}: when the poller first checks a refund QIWI accepted as processing. */
  public RefundLedger(Pool pool, Duration firstPoll) {
    this.pool = pool;
    this.firstPollMs = Math.toIntExact(firstPoll.toMillis());
  }

  /** What reserving a refund came to. */
  sealed interface Reservation {
    record Reserved(Refund refund) implements Reservation {}
    record BillNotFound() implements Reservation {}
    record BillNotRefundable(BillStatus status) implements Reservation {}
    record ExceedsPaid(BigDecimal available) implements Reservation {}
    record TakenByOtherRequest() implements Reservation {}
  }

  /**
   * Reserves {@code refundId} for {@code amount} in the caller's transaction. A refund this same
   * request reserved before (a retry) is returned as it is, whatever its state.
   */
  Future<Reservation> reserve(SqlClient tx, String merchantId, String billId, String refundId, BigDecimal amount,
      String idempotencyKey) {
    return tx.preparedQuery(LOCK_BILL).execute(Tuple.of(billId, merchantId)).compose(bills -> {
      if (bills.size() == 0) {
        return Future.succeededFuture(new Reservation.BillNotFound());
      }
      Row bill = bills.iterator().next();
      return tx.preparedQuery(BY_ID).execute(Tuple.of(billId, refundId)).compose(existing -> {
        if (existing.size() > 0) {
          Refund refund = Refund.from(existing.iterator().next());
          return Future.succeededFuture(refund.createdByKey().equals(idempotencyKey)
              ? new Reservation.Reserved(refund) : new Reservation.TakenByOtherRequest());
        }
        BillStatus status = BillStatus.fromWire(bill.getString("status")).orElseThrow();
        if (status != BillStatus.PAID) {
          return Future.succeededFuture(new Reservation.BillNotRefundable(status));
        }
        return reserveWithinBill(tx, merchantId, billId, refundId, amount, idempotencyKey,
            bill.getBigDecimal("amount"), bill.getString("currency"));
      });
    });
  }

  private Future<Reservation> reserveWithinBill(SqlClient tx, String merchantId, String billId, String refundId,
      BigDecimal amount, String idempotencyKey, BigDecimal billAmount, String currency) {
    return tx.preparedQuery(COMMITTED_SUM).execute(Tuple.of(billId)).compose(sums -> {
      BigDecimal committed = sums.iterator().next().getBigDecimal(0);
      if (committed.add(amount).compareTo(billAmount) > 0) {
        return Future.succeededFuture(new Reservation.ExceedsPaid(billAmount.subtract(committed)));
      }
      return tx.preparedQuery(INSERT)
          .execute(Tuple.of(billId, refundId, merchantId, amount, currency, idempotencyKey))
          .map(rows -> new Reservation.Reserved(Refund.from(rows.iterator().next())));
    });
  }

  /** QIWI accepted the refund: it becomes visible with QIWI's status and its first event. */
  Future<Optional<Refund>> markAccepted(SqlClient tx, String billId, String refundId, RefundStatus status) {
    return tx.preparedQuery(MARK_ACCEPTED).execute(Tuple.of(billId, refundId, status.wireName(), firstPollMs))
        .map(RefundLedger::first)
        .compose(accepted -> accepted.isEmpty() ? Future.succeededFuture(accepted)
            : announce(tx, accepted.get()).map(accepted));
  }

  Future<Void> markRefused(SqlClient tx, String billId, String refundId) {
    return tx.preparedQuery(MARK_REFUSED).execute(Tuple.of(billId, refundId)).mapEmpty();
  }

  /** The refund arbiter: only a processing refund changes, and its event is written with the change. */
  public Future<Optional<Refund>> applyStatus(SqlClient tx, String billId, String refundId, RefundStatus status) {
    return tx.preparedQuery(APPLY_STATUS).execute(Tuple.of(billId, refundId, status.wireName()))
        .map(RefundLedger::first)
        .compose(changed -> changed.isEmpty() ? Future.succeededFuture(changed)
            : announce(tx, changed.get()).map(changed));
  }

  public Future<Optional<Refund>> applyStatus(String billId, String refundId, RefundStatus status) {
    return Database.transaction(pool, tx -> applyStatus(tx, billId, refundId, status));
  }

  /** The bill's refunds that QIWI accepted, oldest first. */
  public Future<List<Refund>> acceptedOf(String merchantId, String billId) {
    return pool.preparedQuery(ACCEPTED_OF_MERCHANT + " ORDER BY created_at, refund_id")
        .execute(Tuple.of(billId, merchantId))
        .map(rows -> {
          List<Refund> refunds = new ArrayList<>();
          rows.forEach(row -> refunds.add(Refund.from(row)));
          return refunds;
        });
  }

  public Future<Optional<Refund>> findAccepted(String merchantId, String billId, String refundId) {
    return pool.preparedQuery(ACCEPTED_OF_MERCHANT + " AND refund_id = $3")
        .execute(Tuple.of(billId, merchantId, refundId))
        .map(RefundLedger::first);
  }

  private static Future<Void> announce(SqlClient tx, Refund refund) {
    return EventStore.append(tx, new EventStore.Draft(refund.merchantId(), Refund.eventType(refund.status()),
        refund.billId(), refund.refundId(), refund.toJson())).mapEmpty();
  }

  private static Optional<Refund> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Refund.from(rows.iterator().next()));
  }

  // The poller's status checks; see BillStore for why the claim is a CTE.
  private static final String LEASE_DUE_CHECKS = "WITH due AS (SELECT bill_id, refund_id FROM refund "
      + "WHERE status = 'processing' AND request_state = 'accepted' AND next_poll_at <= now() "
      + "AND (poll_lease_until IS NULL OR poll_lease_until < now()) "
      + "ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
      + "UPDATE refund SET poll_lease_until = now() + $2::int * interval '1 millisecond' "
      + "FROM due WHERE refund.bill_id = due.bill_id AND refund.refund_id = due.refund_id "
      + "RETURNING refund.bill_id, refund.refund_id, refund.poll_attempts, refund.poll_lease_until";
  private static final String FINISH_CHECK = "UPDATE refund SET poll_attempts = poll_attempts + 1, "
      + "poll_lease_until = NULL, qiwi_checked_at = CASE WHEN $5 THEN now() ELSE qiwi_checked_at END, "
      + "next_poll_at = CASE WHEN status = 'processing' THEN $4::timestamptz END "
      + "WHERE bill_id = $1 AND refund_id = $2 AND poll_lease_until = $3";
  private static final String RELEASE_CHECK = "UPDATE refund SET poll_lease_until = NULL "
      + "WHERE bill_id = $1 AND refund_id = $2 AND poll_lease_until = $3";
  private static final String CHECK_LAG = "SELECT coalesce((extract(epoch FROM now() - min(next_poll_at)) * 1000)"
      + "::bigint, 0) FROM refund WHERE status = 'processing' AND request_state = 'accepted' AND next_poll_at <= now()";

  /** Leases up to {@code limit} status checks that are due and that no replica holds, oldest due first. */
  public Future<List<CheckLease>> leaseDueChecks(int limit, Duration lease) {
    return pool.preparedQuery(LEASE_DUE_CHECKS).execute(Tuple.of(limit, Math.toIntExact(lease.toMillis())))
        .map(rows -> {
          List<CheckLease> leases = new ArrayList<>(rows.size());
          rows.forEach(row -> leases.add(new CheckLease(row.getString("bill_id"), row.getString("refund_id"),
              row.getInteger("poll_attempts"), row.getOffsetDateTime("poll_lease_until"))));
          return leases;
        });
  }

  /** As {@code BillStore.finishCheck}: the next check is dropped once the refund is final. */
  public Future<Void> finishCheck(SqlClient client, CheckLease check, Instant nextCheck, boolean answered) {
    return client.preparedQuery(FINISH_CHECK)
        .execute(Tuple.of(check.billId(), check.refundId(), check.leaseUntil(), nextCheck.atOffset(ZoneOffset.UTC),
            answered))
        .mapEmpty();
  }

  /** Gives unchecked leases back as they were, where this replica still holds them. */
  public Future<Void> releaseChecks(List<CheckLease> checks) {
    List<Tuple> keys = checks.stream()
        .map(check -> Tuple.of(check.billId(), check.refundId(), check.leaseUntil()))
        .toList();
    return keys.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(RELEASE_CHECK).executeBatch(keys).mapEmpty();
  }

  /** How long the oldest due check has been waiting; zero when none is due. */
  public Future<Duration> checkLag() {
    return pool.query(CHECK_LAG).execute().map(rows -> Duration.ofMillis(rows.iterator().next().getLong(0)));
  }

  /** A processing refund's next status check, leased by one replica's poller; see {@link BillStore.CheckLease}. */
  public record CheckLease(String billId, String refundId, int checksDone, OffsetDateTime leaseUntil) {
  }
}
