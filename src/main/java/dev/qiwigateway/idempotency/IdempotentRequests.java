package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotencyRecord.Claim;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP side of idempotency (docs/api.md#idempotency): route handlers of the merchant POSTs validate the
 * request, then hand it here. The key is claimed and the answer is the operation's fresh one (run by
 * the {@link OperationRunner} under the key's lease), the stored one replayed byte for byte, or a
 * refusal as in use / reused.
 */
public final class IdempotentRequests {

  private static final Problem REUSED = Problem.of(422, "idempotency_key_reused", "Idempotency key reused",
      "This Idempotency-Key was already used for a different request (method, path or body).");

  private final IdempotencyStore store;
  private final OperationRunner runner;

  public IdempotentRequests(IdempotencyStore store, OperationRunner runner) {
    this.store = store;
    this.runner = runner;
  }

  /**
   * The idempotent answer to the request, for {@link Reply#respond}.
   *
   * @param request            everything the operation needs (path parameters and body), stored with the key
   * @param proposedResourceId the billId/refundId to use if the key is new; ignored when resuming
   */
  public Future<Reply> handle(RoutingContext ctx, IdempotencyKey key, Kind operation, JsonObject request,
      String proposedResourceId) {
    String fingerprint;
    try {
      fingerprint = RequestFingerprint.of(ctx.request().method().name(), ctx.normalizedPath(), bodyOf(ctx));
    } catch (DecodeException e) {
      return Future.failedFuture(
          Problem.of(400, "malformed_request", "Malformed request", "The body is not a JSON object."));
    }
    return store.claim(key, fingerprint, operation, request, proposedResourceId).compose(this::answer);
  }

  private Future<Reply> answer(Claim claim) {
    if (claim instanceof Claim.Acquired acquired) {
      return runner.run(acquired.record());
    }
    if (claim instanceof Claim.Replay replay) {
      return Future.succeededFuture(OperationRunner.replayed(replay.response()));
    }
    return Future.failedFuture(claim instanceof Claim.InUse ? OperationRunner.IN_USE : REUSED);
  }

  private static JsonObject bodyOf(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer buffer = body == null ? null : body.buffer();
    return buffer == null || buffer.length() == 0 ? null : buffer.toJsonObject();
  }
}
