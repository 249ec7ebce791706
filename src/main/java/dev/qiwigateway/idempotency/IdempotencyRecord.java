package dev.qiwigateway.idempotency;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * An idempotent request as the store holds it while it runs: enough to resume the operation without
 * the HTTP request.
 *
 * @param request       what the operation needs: path parameters and body, as the route handler gave it
 * @param resourceId    the billId/refundId chosen at the first claim; every resumption uses this one,
 *                      so a retry can never create a second bill or refund
 * @param recoveryPoint the last checkpoint ({@link #STARTED} until the operation records one)
 * @param leaseToken    identifies this holder's lease; checkpoints and completion through this record
 *                      fail once another holder has taken the lease over (null: no such check)
 */
public record IdempotencyRecord(String merchantId, String key, String operation, JsonObject request,
    String resourceId, String recoveryPoint, Instant createdAt, UUID leaseToken) {

  public static final String STARTED = "started";

  /** A record without a lease token, e.g. built by a test; the store then checks only that it is in progress. */
  public IdempotencyRecord(String merchantId, String key, String operation, JsonObject request,
      String resourceId, String recoveryPoint, Instant createdAt) {
    this(merchantId, key, operation, request, resourceId, recoveryPoint, createdAt, null);
  }

  public IdempotencyKey idempotencyKey() {
    return new IdempotencyKey(merchantId, key);
  }
}
