package dev.qiwigateway.idempotency;

/**
 * A completion was attempted for a key this holder no longer leases: another holder took
 * the expired lease over, or the request already completed. The caller's transaction must roll back.
 */
public final class LeaseLostException extends RuntimeException {

  public LeaseLostException(IdempotencyKey key) {
    super("the lease on idempotency key " + key.value() + " of merchant " + key.merchantId() + " is no longer held",
        null, false, false);
  }
}
