package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotencyRecord.Claim;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import io.vertx.core.Future;
import dev.qiwigateway.idempotency.IdempotentOperation.Phase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The HTTP side of idempotency (docs/api.md#idempotency): route handlers of the merchant POSTs read and
 * validate the request once, then hand it here. The key is claimed and the answer is the operation's fresh one (run by
 * the {@link OperationRunner} under the key's lease), the stored one replayed byte for byte, or a
 * refusal as in use / reused.
 */
public final class IdempotentRequests {

  private static final Problem REUSED = Problem.of(422, "idempotency_key_reused", "Idempotency key reused",
      "This Idempotency-Key was already used for a different request (method, path or body).");

  private final OperationRunner runner;

  public IdempotentRequests(OperationRunner runner) {
    this.runner = runner;
  }

  /**
   * The idempotent answer to the request, for {@link Reply#respond}.
   *
   * @param body               the request body as the handler read it (null or empty: none); the
   *                           fingerprint is taken from it, the body is not parsed again
   * @param request            everything the operation needs (path parameters and body), stored with the key
   * @param proposedResourceId the billId/refundId to use if the key is new; ignored when resuming
   */
  public Future<Reply> handle(RoutingContext ctx, IdempotencyKey key, Kind operation, JsonObject body,
      JsonObject request, String proposedResourceId) {
    return handle(ctx, key, operation, body, request, proposedResourceId, null);
  }

  /**
   * As {@link #handle(RoutingContext, IdempotencyKey, Kind, JsonObject, JsonObject, String)}, with the
   * operation's first phase for a new key built by {@code freshStart} from the request the handler
   * validated, instead of from the stored form (which a resumption decodes).
   */
  public Future<Reply> handle(RoutingContext ctx, IdempotencyKey key, Kind operation, JsonObject body,
      JsonObject request, String proposedResourceId, Function<IdempotencyRecord, Phase> freshStart) {
    String fingerprint = RequestFingerprint.of(ctx.request().method().name(), ctx.normalizedPath(), body);
    return runner.claimAndRun(key, fingerprint, operation, request, proposedResourceId, freshStart, this::answer);
  }

  private Future<Reply> answer(Claim claim) {
    if (claim instanceof Claim.Replay replay) {
      return Future.succeededFuture(OperationRunner.replayed(replay.response()));
    }
    return Future.failedFuture(claim instanceof Claim.InUse ? OperationRunner.IN_USE : REUSED);
  }
}
