package dev.qiwigateway.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pull side of the outbox (docs/api.md#events), merchant-scoped. Events come in commit order:
 * by writing transaction, then sequence, and only from transactions older than every one still
 * running ({@code pg_snapshot_xmin}). An event whose transaction commits late therefore appears
 * after, never before, a cursor a reader already holds: paging with {@code after} skips nothing.
 */
public final class EventFeed {

  private static final String VISIBLE = "txid < pg_snapshot_xmin(pg_current_snapshot())";
  private static final String FIRST_PAGE = "SELECT payload FROM event WHERE merchant_id = $1 AND " + VISIBLE
      + " ORDER BY txid, seq LIMIT $2";
  private static final String NEXT_PAGE = "SELECT e.payload FROM event e "
      + "JOIN event c ON c.id = $2 AND c.merchant_id = $1 "
      + "WHERE e.merchant_id = $1 AND (e.txid, e.seq) > (c.txid, c.seq) AND e." + VISIBLE
      + " ORDER BY e.txid, e.seq LIMIT $3";
  private static final String OWNED = "SELECT 1 FROM event WHERE id = $1 AND merchant_id = $2";
  private static final String REDELIVER = "UPDATE event SET delivery_state = 'pending', next_attempt_at = now(), "
      + "attempts = 0, first_attempt_at = NULL, last_error = NULL, delivered_at = NULL "
      + "WHERE id = $1 AND merchant_id = $2 RETURNING payload";

  /** One page of the feed: event bodies, and whether more follow the last one. */
  public record Page(List<JsonObject> events, boolean hasMore) {
  }

  private final Pool pool;

  public EventFeed(Pool pool) {
    this.pool = pool;
  }

  /** Empty when {@code after} is given but names no event of this merchant. */
  public Future<Optional<Page>> page(String merchantId, String after, int limit) {
    if (after == null) {
      return pool.preparedQuery(FIRST_PAGE).execute(Tuple.of(merchantId, limit + 1))
          .map(rows -> Optional.of(toPage(rows, limit)));
    }
    return pool.preparedQuery(OWNED).execute(Tuple.of(after, merchantId)).compose(owned -> owned.size() == 0
        ? Future.succeededFuture(Optional.empty())
        : pool.preparedQuery(NEXT_PAGE).execute(Tuple.of(merchantId, after, limit + 1))
            .map(rows -> Optional.of(toPage(rows, limit))));
  }

  /** Whether the merchant has an event with this id. */
  public Future<Boolean> owns(String merchantId, String eventId) {
    return pool.preparedQuery(OWNED).execute(Tuple.of(eventId, merchantId)).map(rows -> rows.size() > 0);
  }

  /**
   * Queues the event for webhook delivery again, from a fresh retry window; harmless for an event
   * still queued. Empty when the merchant has no such event.
   */
  public Future<Optional<JsonObject>> redeliver(String merchantId, String eventId) {
    return pool.preparedQuery(REDELIVER).execute(Tuple.of(eventId, merchantId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getJsonObject("payload")));
  }

  private static Page toPage(RowSet<Row> rows, int limit) {
    List<JsonObject> events = new ArrayList<>(Math.min(rows.size(), limit));
    for (Row row : rows) {
      if (events.size() == limit) {
        return new Page(events, true);
      }
      events.add(row.getJsonObject("payload"));
    }
    return new Page(events, false);
  }
}
