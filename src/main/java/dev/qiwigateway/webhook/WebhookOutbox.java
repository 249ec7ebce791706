package dev.qiwigateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery side of the event outbox. Events are leased ({@code FOR UPDATE SKIP LOCKED}, then a
 * lease stamped with the dispatcher's owner id), so replicas never attempt one event at the same time;
 * only the lease holder records the outcome.
 *
 * <p>Order per bill: an event is due only when no earlier event of its bill (in the feed's commit
 * order, txid then seq) is still {@code pending}. A {@code dead} event does not hold its successors
 * back: it has had its whole retry window, so the later events of the bill have waited behind it that
 * long already, and a receiver that refuses one event must not stall its bill forever. A redelivered
 * event is pending again and holds its successors back until it is delivered.
 *
 * <p>Only events of transactions older than every running one are leased (the feed's horizon), so
 * webhooks of one bill follow the same order as the feed.
 */
final class WebhookOutbox {

  private static final String LEASE = "UPDATE event SET lease_until = now() + $3::bigint * interval '1 millisecond', "
      + "lease_owner = $2, attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, now()) "
      + "WHERE seq IN (SELECT e.seq FROM event e "
      + "  WHERE e.delivery_state = 'pending' AND e.next_attempt_at <= now() "
      + "    AND (e.lease_until IS NULL OR e.lease_until < now()) "
      + "    AND e.txid < pg_snapshot_xmin(pg_current_snapshot()) "
      + "    AND NOT EXISTS (SELECT 1 FROM event earlier WHERE earlier.bill_id = e.bill_id "
      + "      AND earlier.delivery_state = 'pending' AND (earlier.txid, earlier.seq) < (e.txid, e.seq)) "
      + "  ORDER BY e.next_attempt_at, e.seq LIMIT $1 FOR UPDATE OF e SKIP LOCKED) "
      + "RETURNING seq, id, bill_id, payload::text AS body, attempts";
  private static final String DELIVERED = "UPDATE event SET delivery_state = 'delivered', delivered_at = now(), "
      + "lease_until = NULL, lease_owner = NULL "
      + "WHERE seq = $1 AND lease_owner = $2 "
      + "RETURNING (extract(epoch FROM now() - created_at) * 1000)::bigint AS latency_ms";
  private static final String FAILED = "UPDATE event SET lease_until = NULL, lease_owner = NULL, last_error = $3, "
      + "next_attempt_at = now() + $4::bigint * interval '1 millisecond', "
      + "delivery_state = CASE WHEN now() >= first_attempt_at + $5::bigint * interval '1 millisecond' "
      + "  THEN 'dead' ELSE 'pending' END "
      + "WHERE seq = $1 AND lease_owner = $2 RETURNING delivery_state";
  // Every leased event is pending, so the partial due index narrows this down.
  private static final String RELEASE = "UPDATE event SET lease_until = NULL, lease_owner = NULL "
      + "WHERE delivery_state = 'pending' AND lease_owner = $1";
  private static final String DEPTH = "SELECT (SELECT count(*) FROM event WHERE delivery_state = 'pending') AS pending, "
      + "(SELECT count(*) FROM event WHERE delivery_state = 'dead') AS dead";
  private static final int MAX_ERROR_CHARS = 300;

  /** What happened to a failed event: retried later, or given up. */
  enum Failure { RETRY, DEAD, LEASE_LOST }

  record Depth(long pending, long dead) {
  }

  private final Pool pool;
  private final UUID owner;

  WebhookOutbox(Pool pool, UUID owner) {
    this.pool = pool;
    this.owner = owner;
  }

  Future<List<Event>> lease(int limit, Duration leaseFor) {
    return pool.preparedQuery(LEASE).execute(Tuple.of(limit, owner, leaseFor.toMillis())).map(rows -> {
      List<Event> events = new ArrayList<>(rows.size());
      for (Row row : rows) {
        events.add(new Event(row.getLong("seq"), row.getString("id"), row.getString("bill_id"),
            Buffer.buffer(row.getString("body")), row.getInteger("attempts")));
      }
      return events;
    });
  }

  /** The time from the event's commit to its delivery; empty when the lease was lost meanwhile. */
  Future<Optional<Duration>> markDelivered(Event event) {
    return pool.preparedQuery(DELIVERED).execute(Tuple.of(event.seq(), owner)).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(Math.max(0, rows.iterator().next().getLong("latency_ms")))));
  }

  /** Schedules the next attempt after {@code retryInMs}, or marks the event dead once its window has passed. */
  Future<Failure> markFailed(Event event, String error, long retryInMs, Duration retryWindow) {
    String recorded = error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error;
    return pool.preparedQuery(FAILED)
        .execute(Tuple.of(event.seq(), owner, recorded, retryInMs, retryWindow.toMillis()))
        .map(rows -> {
          if (rows.size() == 0) {
            return Failure.LEASE_LOST;
          }
          return "dead".equals(rows.iterator().next().getString("delivery_state")) ? Failure.DEAD : Failure.RETRY;
        });
  }

  /** Gives back every lease this dispatcher still holds, so another replica may attempt those events now. */
  Future<Integer> releaseAll() {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(owner)).map(rows -> rows.rowCount());
  }

  Future<Depth> depth() {
    return pool.query(DEPTH).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new Depth(row.getLong("pending"), row.getLong("dead"));
    });
  }

  /**
   * An event leased for one delivery attempt. {@code body} is the stored payload's text, sent and
   * signed exactly as stored, so every retry carries the same bytes.
   */
  record Event(long seq, String id, String billId, Buffer body, int attempts) {
  }

  /** How one POST to the marketplace ended; {@code error} says why it was not a delivery, without secrets. */
  record AttemptResult(boolean delivered, String error) {

    static AttemptResult success() {
      return new AttemptResult(true, null);
    }

    static AttemptResult failure(String error) {
      return new AttemptResult(false, error);
    }
  }
}
