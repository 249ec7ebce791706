package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord.Claim;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys in PostgreSQL, the only state replicas share (docs/architecture.md#leases). A key is claimed
 * with a lease; whoever holds the lease runs the operation; a lease that expires (its holder died) is
 * taken over by the next request with that key or by the completer, with the stored resource id.
 * Leases are measured on the database's clock only ({@code now()}), so replicas with skewed clocks
 * still agree on who holds a key. Every method is a single non-blocking statement; a claim may run in
 * the caller's transaction, so that the operation's first phase commits with it.
 */
public final class IdempotencyStore {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
  /** A claim re-runs only when the key changed between its two statements; more than this means a fault. */
  private static final int CLAIM_ATTEMPTS = 3;

  private static final String RECORD_COLUMNS =
      "k.merchant_id, k.idem_key, k.operation, k.request_body, k.resource_id, k.created_at, k.lease_token";
  /**
   * One atomic statement: a new key is inserted with a fresh lease; an existing key of the same request
   * whose lease expired is taken over with a fresh token, keeping its stored resource id. Anything else
   * returns no row and is classified by {@link #FIND}.
   * $1 merchant, $2 key, $3 fingerprint, $4 operation, $5 request, $6 proposed resource id, $7 lease ms.
   */
  private static final String CLAIM = """
      INSERT INTO idempotency_key AS k
          (merchant_id, idem_key, fingerprint, operation, request_body, resource_id, locked_until, lease_token)
      VALUES ($1, $2, $3, $4, $5, $6, now() + $7::bigint * interval '1 millisecond', gen_random_uuid())
      ON CONFLICT (merchant_id, idem_key) DO UPDATE
          SET locked_until = EXCLUDED.locked_until, lease_token = EXCLUDED.lease_token, updated_at = now()
          WHERE k.state = 'in_progress' AND k.locked_until <= now() AND k.fingerprint = EXCLUDED.fingerprint
      RETURNING\s""" + RECORD_COLUMNS + ", (k.xmax = 0) AS inserted";
  private static final String FIND = """
      SELECT fingerprint, state, locked_until <= now() AS lease_expired,
             response_status, response_headers, response_body
      FROM idempotency_key WHERE merchant_id = $1 AND idem_key = $2""";
  /** $3 status, $4 headers, $5 body, $6 lease token. */
  private static final String COMPLETE = """
      UPDATE idempotency_key
      SET state = 'completed', response_status = $3, response_headers = $4, response_body = $5,
          locked_until = NULL, lease_token = NULL, updated_at = now()
      WHERE merchant_id = $1 AND idem_key = $2 AND state = 'in_progress' AND lease_token = $6""";
  /** Ends the lease now, so the next claim or the completer resumes at once. $3 lease token. */
  private static final String RELEASE = """
      UPDATE idempotency_key SET locked_until = now(), lease_token = NULL, updated_at = now()
      WHERE merchant_id = $1 AND idem_key = $2 AND state = 'in_progress' AND lease_token = $3""";
  private static final String CLAIM_ABANDONED = """
      WITH due AS (
          SELECT merchant_id, idem_key FROM idempotency_key
          WHERE state = 'in_progress' AND locked_until <= now()
          ORDER BY locked_until
          LIMIT $1
          FOR UPDATE SKIP LOCKED)
      UPDATE idempotency_key k
      SET locked_until = now() + $2::bigint * interval '1 millisecond', lease_token = gen_random_uuid(), updated_at = now()
      FROM due
      WHERE k.merchant_id = due.merchant_id AND k.idem_key = due.idem_key
      RETURNING\s""" + RECORD_COLUMNS;
  /** $1 retention ms, $2 batch size. A request still running under a live lease is never purged, whatever its age. */
  private static final String PURGE = """
      WITH expired AS (
          SELECT merchant_id, idem_key FROM idempotency_key
          WHERE created_at < now() - $1::bigint * interval '1 millisecond'
            AND (state = 'completed' OR locked_until <= now())
          ORDER BY created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
      DELETE FROM idempotency_key k USING expired
      WHERE k.merchant_id = expired.merchant_id AND k.idem_key = expired.idem_key""";

  private final Pool pool;
  private final Duration lease;

  public IdempotencyStore(Pool pool, Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("an idempotency lease must be positive");
    }
    this.pool = pool;
    this.lease = lease;
  }

  /**
   * Claims {@code key} for the request with {@code fingerprint}. A new key is stored with
   * {@code proposedResourceId}; a taken-over key keeps the resource id it was first stored with.
   */
  public Future<Claim> claim(IdempotencyKey key, String fingerprint, Kind operation, JsonObject request,
      String proposedResourceId) {
    return claim(pool, key, fingerprint, operation, request, proposedResourceId);
  }

  /**
   * {@link #claim(IdempotencyKey, String, Kind, JsonObject, String)} through {@code client}: in a transaction,
   * the claim commits with whatever else that transaction writes, and a concurrent claim of the same key
   * waits for it, then sees the key in use.
   */
  Future<Claim> claim(SqlClient client, IdempotencyKey key, String fingerprint, Kind operation, JsonObject request,
      String proposedResourceId) {
    Tuple params = Tuple.of(key.merchantId(), key.value(), fingerprint, operation.storedName(), request,
        proposedResourceId, lease.toMillis());
    return claim(client, key, fingerprint, params, CLAIM_ATTEMPTS);
  }

  private Future<Claim> claim(SqlClient client, IdempotencyKey key, String fingerprint, Tuple params,
      int attemptsLeft) {
    return client.preparedQuery(CLAIM).execute(params)
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(Optional.of(acquired(rows.iterator().next())))
            : classify(client, key, fingerprint))
        .compose(found -> {
          if (found.isPresent()) {
            return Future.succeededFuture(found.get());
          }
          return attemptsLeft > 1 ? claim(client, key, fingerprint, params, attemptsLeft - 1)
              : Future.failedFuture(new IllegalStateException("idempotency key kept changing under its claim"));
        });
  }

  private Claim acquired(Row row) {
    IdempotencyRecord record = record(row, Kind.fromStored(row.getString("operation")).orElseThrow());
    boolean fresh = row.getBoolean("inserted");
    if (!fresh) {
      LOG.atInfo().addKeyValue("merchantId", record.merchantId()).addKeyValue("idempotencyKey", record.key())
          .log("resumed an idempotent request whose lease had ended");
    }
    return new Claim.Acquired(record, fresh);
  }

  /** Empty: the key vanished or its lease just expired between the statements, so the claim runs again. */
  private Future<Optional<Claim>> classify(SqlClient client, IdempotencyKey key, String fingerprint) {
    return find(client, key).map(found -> {
      if (found == null) {
        return Optional.empty();
      }
      if (!found.getString("fingerprint").equals(fingerprint)) {
        return Optional.of(new Claim.Reused());
      }
      if ("completed".equals(found.getString("state"))) {
        return Optional.of(new Claim.Replay(storedReply(found)));
      }
      return found.getBoolean("lease_expired") ? Optional.empty() : Optional.of(new Claim.InUse());
    });
  }

  /** The stored answer of a completed key, if it completed. */
  Future<Optional<Reply>> storedReply(IdempotencyKey key) {
    return find(pool, key).map(found -> found == null || !"completed".equals(found.getString("state"))
        ? Optional.empty() : Optional.of(storedReply(found)));
  }

  private static Future<Row> find(SqlClient client, IdempotencyKey key) {
    return client.preparedQuery(FIND).execute(Tuple.of(key.merchantId(), key.value()))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /**
   * Stores the final answer inside the caller's transaction, so the state change and the answer commit
   * together; fails with {@link IdempotencyRecord.LeaseLost} (roll back!) if this holder no longer holds the key.
   */
  Future<Void> complete(SqlClient tx, IdempotencyRecord record, Reply reply) {
    return tx.preparedQuery(COMPLETE)
        .execute(Tuple.of(record.merchantId(), record.key(), reply.status(), headersJson(reply), reply.body(),
            record.leaseToken()))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IdempotencyRecord.LeaseLost(record.idempotencyKey())));
  }

  /** Outcome unknown: ends this holder's lease now so that a retry resumes at once. Nothing is stored. */
  Future<Void> release(IdempotencyRecord record) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(record.merchantId(), record.key(), record.leaseToken()))
        .mapEmpty();
  }

  /**
   * Takes the leases of up to {@code limit} requests whose holders died, for the completer to finish.
   * A request of an operation this version does not know is left for its lease to expire.
   */
  public Future<List<IdempotencyRecord>> claimAbandoned(int limit) {
    return pool.preparedQuery(CLAIM_ABANDONED).execute(Tuple.of(limit, lease.toMillis()))
        .map(rows -> {
          List<IdempotencyRecord> records = new ArrayList<>(rows.size());
          rows.forEach(row -> Kind.fromStored(row.getString("operation")).ifPresentOrElse(
              kind -> records.add(record(row, kind)),
              () -> LOG.atError().addKeyValue("operation", row.getString("operation"))
                  .addKeyValue("idempotencyKey", row.getString("idem_key"))
                  .log("abandoned idempotent request of an unknown operation; left for its lease to expire")));
          return records;
        });
  }

  /** Deletes at most {@code limit} keys created before now minus {@code retention}; answers how many. */
  public Future<Integer> purgeOlderThan(Duration retention, int limit) {
    return pool.preparedQuery(PURGE).execute(Tuple.of(retention.toMillis(), limit)).map(RowSet::rowCount);
  }

  private static IdempotencyRecord record(Row row, Kind kind) {
    return new IdempotencyRecord(row.getString("merchant_id"), row.getString("idem_key"), kind,
        row.getJsonObject("request_body"), row.getString("resource_id"),
        row.getOffsetDateTime("created_at").toInstant(), row.getUUID("lease_token"));
  }

  private static JsonObject headersJson(Reply reply) {
    return new JsonObject(new LinkedHashMap<>(reply.headers()));
  }

  private static Reply storedReply(Row row) {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonObject stored = row.getJsonObject("response_headers");
    if (stored != null) {
      stored.forEach(header -> headers.put(header.getKey(), String.valueOf(header.getValue())));
    }
    return new Reply(row.getInteger("response_status"), headers, row.getBuffer("response_body"));
  }
}
