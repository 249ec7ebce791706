package dev.qiwigateway.idempotency;

import io.vertx.core.Future;

/**
 * One kind of merchant POST (issue bill, refund, cancel), runnable from its stored record alone: by the
 * request that claimed the key, by a later request that took an expired lease over, or by the
 * background completer. It must resume from {@code record.recoveryPoint()} and use
 * {@code record.resourceId()}, never a new id.
 *
 * <p>A failed future (other than a {@link dev.qiwigateway.http.Problem}, which is sent as it is) counts
 * as an unknown outcome: the lease is released and nothing is stored.
 */
@FunctionalInterface
public interface IdempotentOperation {

  Future<Outcome> execute(IdempotencyRecord record);
}
