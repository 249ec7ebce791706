package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One kind of merchant POST (issue, cancel, refund) as a sequence of {@link Phase}s, runnable from its
 * stored record alone: by the request that claimed the key, by a later request that took an expired
 * lease over, or by the background completer. {@link OperationRunner} runs the phases.
 *
 * <p>Resuming needs no checkpoint on the key: the operation's own domain row (the bill reserved with
 * {@code created_by_key}, the refund reserved for this key) records how far it got, and the first
 * phase reads it. Every run uses {@code record.resourceId()}, never a new id, so a resumption repeats
 * the same idempotent call at QIWI instead of making a second bill or refund.
 */
public interface IdempotentOperation {

  /** The operations, stored in {@code idempotency_key.operation} by these names. */
  enum Kind {
    ISSUE_BILL("issue_bill"),
    CANCEL_BILL("cancel_bill"),
    REFUND_BILL("refund_bill");

    private final String storedName;

    Kind(String storedName) {
      this.storedName = storedName;
    }

    public String storedName() {
      return storedName;
    }

    /** Empty for a name this version does not know (a row written by a newer replica). */
    public static Optional<Kind> fromStored(String storedName) {
      return Arrays.stream(values()).filter(kind -> kind.storedName.equals(storedName)).findFirst();
    }
  }

  Kind kind();

  /** The phase to run first, on a fresh run and on every resumption alike. */
  Phase firstPhase(IdempotencyRecord record);

  /**
   * One transaction of an operation. Its writes go through {@code tx}; the runner stores a
   * {@link Step.Respond}'s answer with the key in that same transaction, so the state change and the
   * answer commit together or not at all. Never calls QIWI: that happens between phases.
   */
  @FunctionalInterface
  interface Phase {
    Future<Step> commit(SqlConnection tx);
  }

  /** What a phase decided. */
  sealed interface Step {

    /**
     * The final answer: stored with the key in the phase's transaction and replayed from then on.
     * {@code writing} is the phase's last statement still in flight on that transaction: the runner
     * sends the answer's statement right behind it (one round trip for both) and commits only once
     * both succeeded.
     */
    record Respond(Reply reply, Future<?> writing) implements Step {
    }

    /**
     * Not final yet: once the phase has committed, {@code next} does the work outside the database
     * (a call to QIWI) and names the phase that records its result. A failed {@code next} means the
     * outcome is unknown: the runner releases the key for a retry, which resumes from the domain row.
     */
    record Continue(Supplier<Future<Phase>> next) implements Step {
    }

    static Step respond(Reply reply) {
      return new Respond(reply, Future.succeededFuture());
    }

    /** {@link #respond(Reply)} while {@code writing} is still in flight on the phase's transaction. */
    static Step respondWhile(Reply reply, Future<?> writing) {
      return new Respond(reply, writing);
    }

    static Step then(Supplier<Future<Phase>> next) {
      return new Continue(next);
    }
  }

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
  record IdempotencyRecord(String merchantId, String key, Kind kind, JsonObject request,
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
}
