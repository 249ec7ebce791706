package dev.qiwigateway.idempotency;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys in PostgreSQL, the only state replicas share (design.md §2, §5). A key is claimed
 * with a lease; whoever holds the lease runs the operation; a lease that expires (its holder died) is
 * taken over by the next request with that key or by the completer, with the stored resource id and
 * recovery point. Every method is a single non-blocking statement.
 */
public final class IdempotencyStore {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
  /** A claim re-runs only when the key changed between its two statements; more than this means a fault. */
  private static final int CLAIM_ATTEMPTS = 3;

  private final Pool pool;
  private final Duration lease;

  public IdempotencyStore(Pool pool, Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("an idempotency lease must be positive");
    }
    this.pool = pool;
    this.lease = lease;
  }

  public Duration lease() {
    return lease;
  }

  /**
   * Claims {@code key} for the request with {@code fingerprint}. A new key is stored with
   * {@code proposedResourceId}; a taken-over key keeps the resource id it was first stored with.
   */
  public Future<Claim> claim(IdempotencyKey key, String fingerprint, String operation, JsonObject request,
      String proposedResourceId) {
    Tuple params = Tuple.of(key.merchantId(), key.value(), fingerprint, operation, request, proposedResourceId,
        lease.toMillis());
    return claim(key, fingerprint, params, CLAIM_ATTEMPTS);
  }

  private Future<Claim> claim(IdempotencyKey key, String fingerprint, Tuple params, int attemptsLeft) {
    return pool.preparedQuery(IdempotencySql.CLAIM).execute(params)
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(Optional.of(acquired(rows.iterator().next())))
            : classify(key, fingerprint))
        .compose(found -> {
          if (found.isPresent()) {
            return Future.succeededFuture(found.get());
          }
          return attemptsLeft > 1 ? claim(key, fingerprint, params, attemptsLeft - 1)
              : Future.failedFuture(new IllegalStateException("idempotency key kept changing under its claim"));
        });
  }

  private Claim acquired(Row row) {
    IdempotencyRecord record = record(row);
    if (!row.getBoolean("inserted")) {
      LOG.atInfo().addKeyValue("merchantId", record.merchantId()).addKeyValue("idempotencyKey", record.key())
          .addKeyValue("recoveryPoint", record.recoveryPoint())
          .log("resumed an idempotent request whose lease had ended");
    }
    return new Claim.Acquired(record);
  }

  /** Empty: the key vanished or its lease just expired between the statements, so the claim runs again. */
  private Future<Optional<Claim>> classify(IdempotencyKey key, String fingerprint) {
    return find(key).map(found -> {
      if (found == null) {
        return Optional.empty();
      }
      if (!found.getString("fingerprint").equals(fingerprint)) {
        return Optional.of(new Claim.Reused());
      }
      if ("completed".equals(found.getString("state"))) {
        return Optional.of(new Claim.Replay(storedResponse(found)));
      }
      return found.getBoolean("lease_expired") ? Optional.empty() : Optional.of(new Claim.InUse());
    });
  }

  /** The stored answer of a completed key, if it completed. */
  public Future<Optional<StoredResponse>> storedResponse(IdempotencyKey key) {
    return find(key).map(found -> found == null || !"completed".equals(found.getString("state"))
        ? Optional.empty() : Optional.of(storedResponse(found)));
  }

  private Future<Row> find(IdempotencyKey key) {
    return pool.preparedQuery(IdempotencySql.FIND).execute(Tuple.of(key.merchantId(), key.value()))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Records progress inside the caller's transaction; the holder's lease is extended with it. */
  public Future<Void> checkpoint(SqlClient client, IdempotencyRecord record, String recoveryPoint) {
    return checkpoint(client, record.idempotencyKey(), record.leaseToken(), recoveryPoint);
  }

  /** As {@link #checkpoint(SqlClient, IdempotencyRecord, String)}, checking only that the key is in progress. */
  public Future<Void> checkpoint(SqlClient client, IdempotencyKey key, String recoveryPoint) {
    return checkpoint(client, key, null, recoveryPoint);
  }

  private Future<Void> checkpoint(SqlClient client, IdempotencyKey key, UUID token, String recoveryPoint) {
    return client.preparedQuery(IdempotencySql.CHECKPOINT)
        .execute(Tuple.of(key.merchantId(), key.value(), recoveryPoint, token, lease.toMillis()))
        .compose(rows -> updatedOrLost(rows, key));
  }

  /**
   * Stores the final answer inside the caller's transaction, so the state change and the answer commit
   * together; fails with {@link LeaseLostException} (roll back!) if this holder no longer holds the key.
   */
  public Future<Void> complete(SqlClient client, IdempotencyRecord record, StoredResponse response) {
    return complete(client, record.idempotencyKey(), record.leaseToken(), response);
  }

  /** As {@link #complete(SqlClient, IdempotencyRecord, StoredResponse)}, checking only that the key is in progress. */
  public Future<Void> complete(SqlClient client, IdempotencyKey key, StoredResponse response) {
    return complete(client, key, null, response);
  }

  private Future<Void> complete(SqlClient client, IdempotencyKey key, UUID token, StoredResponse response) {
    return client.preparedQuery(IdempotencySql.COMPLETE)
        .execute(Tuple.of(key.merchantId(), key.value(), response.status(), response.headersJson(), response.body(),
            token))
        .compose(rows -> updatedOrLost(rows, key));
  }

  /** Outcome unknown: ends this holder's lease now so that a retry resumes at once. Nothing is stored. */
  public Future<Void> release(IdempotencyRecord record) {
    return release(record.idempotencyKey(), record.leaseToken());
  }

  /** As {@link #release(IdempotencyRecord)}, whoever holds the lease. */
  public Future<Void> release(IdempotencyKey key) {
    return release(key, null);
  }

  private Future<Void> release(IdempotencyKey key, UUID token) {
    return pool.preparedQuery(IdempotencySql.RELEASE).execute(Tuple.of(key.merchantId(), key.value(), token))
        .mapEmpty();
  }

  /** Nothing was done: forgets the key, so it may be used again with a corrected request. */
  public Future<Void> discard(IdempotencyRecord record) {
    return pool.preparedQuery(IdempotencySql.DISCARD)
        .execute(Tuple.of(record.merchantId(), record.key(), record.leaseToken()))
        .mapEmpty();
  }

  /** Applies what the operation decided; {@link Outcome.Completed} was stored by the operation itself. */
  Future<Void> settle(IdempotencyRecord record, Outcome outcome) {
    if (outcome instanceof Outcome.Answered answered) {
      return complete(pool, record, answered.response());
    }
    if (outcome instanceof Outcome.NotStored) {
      // The answer stays "unknown" either way; a lease we could not end simply runs out.
      return release(record).recover(e -> {
        LOG.atWarn().setCause(e).addKeyValue("idempotencyKey", record.key()).log("could not release an idempotency lease");
        return Future.succeededFuture();
      });
    }
    if (outcome instanceof Outcome.Discarded) {
      return discard(record);
    }
    return Future.succeededFuture();
  }

  /** Takes the leases of up to {@code limit} requests whose holders died, for the completer to finish. */
  public Future<List<IdempotencyRecord>> claimAbandoned(int limit) {
    return pool.preparedQuery(IdempotencySql.CLAIM_ABANDONED).execute(Tuple.of(limit, lease.toMillis()))
        .map(rows -> {
          List<IdempotencyRecord> records = new ArrayList<>(rows.size());
          rows.forEach(row -> records.add(record(row)));
          return records;
        });
  }

  /** Deletes at most {@code limit} keys created before now minus {@code retention}; answers how many. */
  public Future<Integer> purgeOlderThan(Duration retention, int limit) {
    return pool.preparedQuery(IdempotencySql.PURGE).execute(Tuple.of(retention.toMillis(), limit))
        .map(RowSet::rowCount);
  }

  private static Future<Void> updatedOrLost(RowSet<Row> rows, IdempotencyKey key) {
    return rows.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture(new LeaseLostException(key));
  }

  private static IdempotencyRecord record(Row row) {
    return new IdempotencyRecord(row.getString("merchant_id"), row.getString("idem_key"), row.getString("operation"),
        row.getJsonObject("request_body"), row.getString("resource_id"), row.getString("recovery_point"),
        row.getOffsetDateTime("created_at").toInstant(), row.getUUID("lease_token"));
  }

  private static StoredResponse storedResponse(Row row) {
    return StoredResponse.fromStored(row.getInteger("response_status"), row.getJsonObject("response_headers"),
        row.getBuffer("response_body"));
  }
}
