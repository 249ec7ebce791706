package dev.qiwigateway.idempotency;

/**
 * Every statement of {@link IdempotencyStore}. Leases are measured on the database's clock only
 * ({@code now()}), so replicas with skewed clocks still agree on who holds a key. A lease token
 * parameter that is null skips the token check (callers that hold only the key).
 */
final class IdempotencySql {

  private IdempotencySql() {
  }

  static final String RECORD_COLUMNS =
      "k.merchant_id, k.idem_key, k.operation, k.request_body, k.resource_id, k.recovery_point, k.created_at, k.lease_token";

  /**
   * One atomic statement: a new key is inserted with a fresh lease; an existing key of the same request
   * whose lease expired is taken over with a fresh token, keeping its stored resource id and recovery
   * point. Anything else returns no row and is classified by {@link #FIND}.
   * $1 merchant, $2 key, $3 fingerprint, $4 operation, $5 request, $6 proposed resource id, $7 lease ms.
   */
  static final String CLAIM = """
      INSERT INTO idempotency_key AS k
          (merchant_id, idem_key, fingerprint, operation, request_body, resource_id, locked_until, lease_token)
      VALUES ($1, $2, $3, $4, $5, $6, now() + $7::bigint * interval '1 millisecond', gen_random_uuid())
      ON CONFLICT (merchant_id, idem_key) DO UPDATE
          SET locked_until = EXCLUDED.locked_until, lease_token = EXCLUDED.lease_token, updated_at = now()
          WHERE k.state = 'in_progress' AND k.locked_until <= now() AND k.fingerprint = EXCLUDED.fingerprint
      RETURNING\s""" + RECORD_COLUMNS + ", (k.xmax = 0) AS inserted";

  static final String FIND = """
      SELECT fingerprint, state, locked_until <= now() AS lease_expired,
             response_status, response_headers, response_body
      FROM idempotency_key WHERE merchant_id = $1 AND idem_key = $2""";

  /** $3 recovery point, $4 lease token or null, $5 lease ms: progress proves the holder alive, so the lease grows. */
  static final String CHECKPOINT = """
      UPDATE idempotency_key
      SET recovery_point = $3, updated_at = now(),
          locked_until = greatest(locked_until, now() + $5::bigint * interval '1 millisecond')
      WHERE merchant_id = $1 AND idem_key = $2 AND state = 'in_progress' AND ($4::uuid IS NULL OR lease_token = $4)""";

  /** $3 status, $4 headers, $5 body, $6 lease token or null. */
  static final String COMPLETE = """
      UPDATE idempotency_key
      SET state = 'completed', response_status = $3, response_headers = $4, response_body = $5,
          locked_until = NULL, lease_token = NULL, updated_at = now()
      WHERE merchant_id = $1 AND idem_key = $2 AND state = 'in_progress' AND ($6::uuid IS NULL OR lease_token = $6)""";

  /** Ends the lease now, so the next claim or the completer resumes at once. $3 lease token or null. */
  static final String RELEASE = """
      UPDATE idempotency_key SET locked_until = now(), lease_token = NULL, updated_at = now()
      WHERE merchant_id = $1 AND idem_key = $2 AND state = 'in_progress' AND ($3::uuid IS NULL OR lease_token = $3)""";

  static final String DISCARD = """
      DELETE FROM idempotency_key
      WHERE merchant_id = $1 AND idem_key = $2 AND state = 'in_progress' AND ($3::uuid IS NULL OR lease_token = $3)""";

  /** $1 how many, $2 lease ms. SKIP LOCKED lets several replicas' completers share the work without waiting. */
  static final String CLAIM_ABANDONED = """
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

  /**
   * $1 retention ms, $2 batch size. A request still running under a live lease is never purged under it,
   * whatever its age.
   */
  static final String PURGE = """
      WITH expired AS (
          SELECT merchant_id, idem_key FROM idempotency_key
          WHERE created_at < now() - $1::bigint * interval '1 millisecond'
            AND (state = 'completed' OR locked_until <= now())
          ORDER BY created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
      DELETE FROM idempotency_key k USING expired
      WHERE k.merchant_id = expired.merchant_id AND k.idem_key = expired.idem_key""";
}
