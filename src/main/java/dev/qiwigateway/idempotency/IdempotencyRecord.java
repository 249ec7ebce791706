package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * An idempotent request as the store holds it while it runs: enough to resume the operation without
 * the HTTP request. Where a resumption starts is not kept here but in the operation's domain row
 * (see {@link IdempotentOperation}).
 *
 * @param request    what the operation needs: path parameters and body, as the route handler gave it
 * @param resourceId the billId/refundId chosen at the first claim; every resumption uses this one,
 *                   so a retry can never create a second bill or refund
 * @param leaseToken identifies this holder's lease; completing or releasing through this record fails
 *                   once another holder has taken the lease over
 */
public record IdempotencyRecord(String merchantId, String key, Kind kind, JsonObject request,
    String resourceId, Instant createdAt, UUID leaseToken) {

  public IdempotencyKey idempotencyKey() {
    return new IdempotencyKey(merchantId, key);
  }
}
