package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problems;
import dev.qiwigateway.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of idempotency (gateway-api.md §4): route handlers of the merchant POSTs validate the
 * request, then hand it here. The key is claimed, the operation runs under its lease, and the answer
 * is either sent fresh, replayed byte for byte, or refused as in use / reused.
 */
public final class IdempotentRequests {

  public static final String REPLAYED_HEADER = "Idempotent-Replayed";
  private static final Logger LOG = LoggerFactory.getLogger(IdempotentRequests.class);
  private static final Problem IN_USE = Problem.of(409, "idempotency_key_in_use", "Idempotency key in use",
      "A request with this Idempotency-Key is still being processed; retry shortly.").withRetryAfter(1);
  private static final Problem REUSED = Problem.of(422, "idempotency_key_reused", "Idempotency key reused",
      "This Idempotency-Key was already used for a different request (method, path or body).");
  private static final Problem UNAVAILABLE = Problem.unavailable("The gateway cannot reach its database.", 1);

  private final IdempotencyStore store;
  private final Map<String, IdempotentOperation> operations;

  public IdempotentRequests(IdempotencyStore store, Map<String, IdempotentOperation> operationsByName) {
    this.store = store;
    this.operations = Map.copyOf(operationsByName);
  }

  /**
   * Answers the request idempotently.
   *
   * @param operation          the name of a registered {@link IdempotentOperation}
   * @param request            everything the operation needs (path parameters and body), stored with the key
   * @param proposedResourceId the billId/refundId to use if the key is new; ignored when resuming
   */
  public void handle(RoutingContext ctx, IdempotencyKey key, String operation, JsonObject request,
      String proposedResourceId) {
    IdempotentOperation execution = operations.get(operation);
    if (execution == null) {
      ctx.fail(new IllegalArgumentException("no idempotent operation named " + operation));
      return;
    }
    String fingerprint;
    try {
      fingerprint = RequestFingerprint.of(ctx.request().method().name(), ctx.normalizedPath(), bodyOf(ctx));
    } catch (DecodeException e) {
      Problems.send(ctx, Problem.of(400, "malformed_request", "Malformed request", "The body is not a JSON object."));
      return;
    }
    store.claim(key, fingerprint, operation, request, proposedResourceId)
        .onSuccess(claim -> answer(ctx, claim, execution))
        .onFailure(failure -> databaseUnavailable(ctx, key, failure));
  }

  private void answer(RoutingContext ctx, Claim claim, IdempotentOperation execution) {
    if (claim instanceof Claim.Acquired acquired) {
      run(ctx, acquired.record(), execution);
    } else if (claim instanceof Claim.Replay replay) {
      send(ctx, replay.response(), true);
    } else if (claim instanceof Claim.InUse) {
      Problems.send(ctx, IN_USE);
    } else {
      Problems.send(ctx, REUSED);
    }
  }

  private void run(RoutingContext ctx, IdempotencyRecord record, IdempotentOperation execution) {
    // compose turns an operation that throws into a failed future
    Future.succeededFuture(record).compose(execution::execute)
        .compose(outcome -> store.settle(record, outcome).map(outcome))
        .onSuccess(outcome -> sendOutcome(ctx, outcome))
        .onFailure(failure -> operationFailed(ctx, record, failure));
  }

  private static void sendOutcome(RoutingContext ctx, Outcome outcome) {
    if (outcome instanceof Outcome.Completed completed) {
      send(ctx, completed.response(), false);
    } else if (outcome instanceof Outcome.Answered answered) {
      send(ctx, answered.response(), false);
    } else if (outcome instanceof Outcome.NotStored notStored) {
      Problems.send(ctx, notStored.problem());
    } else if (outcome instanceof Outcome.Discarded discarded) {
      Problems.send(ctx, discarded.problem());
    }
  }

  /**
   * A holder that lost its lease mid-way learns the answer another holder stored; any other failure
   * leaves the outcome unknown, so the lease is released for the retry to resume.
   */
  private void operationFailed(RoutingContext ctx, IdempotencyRecord record, Throwable failure) {
    if (failure instanceof LeaseLostException) {
      store.storedResponse(record.idempotencyKey())
          .onSuccess(stored -> stored.ifPresentOrElse(response -> send(ctx, response, true),
              () -> Problems.send(ctx, IN_USE)))
          .onFailure(e -> databaseUnavailable(ctx, record.idempotencyKey(), e));
      return;
    }
    store.release(record).onFailure(e -> LOG.atWarn().setCause(e).addKeyValue("idempotencyKey", record.key())
        .log("could not release an idempotency lease; it will expire"));
    if (failure instanceof Problem problem) {
      Problems.send(ctx, problem);
      return;
    }
    LOG.atError().setCause(failure).addKeyValue("merchantId", record.merchantId())
        .addKeyValue("idempotencyKey", record.key()).addKeyValue("operation", record.operation())
        .log("idempotent operation failed; its key is released for a retry");
    Problems.send(ctx, UNAVAILABLE);
  }

  private static void databaseUnavailable(RoutingContext ctx, IdempotencyKey key, Throwable failure) {
    LOG.atWarn().setCause(failure).addKeyValue("merchantId", key.merchantId()).addKeyValue("idempotencyKey", key.value())
        .log("idempotency store unavailable");
    Problems.send(ctx, UNAVAILABLE);
  }

  private static void send(RoutingContext ctx, StoredResponse stored, boolean replayed) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      return;
    }
    response.setStatusCode(stored.status());
    stored.headers().forEach(response::putHeader);
    if (replayed) {
      response.putHeader(REPLAYED_HEADER, "true");
    }
    response.end(stored.body());
  }

  private static JsonObject bodyOf(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer buffer = body == null ? null : body.buffer();
    return buffer == null || buffer.length() == 0 ? null : buffer.toJsonObject();
  }
}
