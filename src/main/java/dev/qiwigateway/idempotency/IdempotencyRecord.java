package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Reply;

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

  /** What claiming an idempotency key for a request found. */
  public sealed interface Claim {

    /**
     * This request holds the lease: run (or resume) the operation of the record.
     *
     * @param fresh the key was new, so the record is exactly the request being handled; false when an
     *              expired lease was taken over and the stored request (with its first resource id) rules
     */
    record Acquired(IdempotencyRecord record, boolean fresh) implements Claim {
    }

    /** The same request already completed: answer with its stored response. */
    record Replay(Reply response) implements Claim {
    }

    /** The same request is being processed right now under a live lease. */
    record InUse() implements Claim {
    }

    /** The key was used for a different request (method, path or body). */
    record Reused() implements Claim {
    }
  }

  /**
   * A completion was attempted for a key this holder no longer leases: another holder took
   * the expired lease over, or the request already completed. The caller's transaction must roll back.
   */
  public static final class LeaseLost extends RuntimeException {

    public LeaseLost(IdempotencyKey key) {
      super("the lease on idempotency key " + key.value() + " of merchant " + key.merchantId() + " is no longer held",
          null, false, false);
    }
  }
}
