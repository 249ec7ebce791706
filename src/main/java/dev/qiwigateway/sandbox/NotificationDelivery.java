package dev.qiwigateway.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One copy of a notification on its way to the receiver, with every attempt it took. A copy is
 * {@code original}, a {@code duplicate} (fault injection), or a {@code stale} waiting notification
 * sent after the final one (fault injection).
 */
final class NotificationDelivery {

  enum State { PENDING, DELIVERED, GAVE_UP, CANCELLED }

  private final int id;
  private final String copy;
  private final OutgoingNotification notification;
  private final JsonArray attempts = new JsonArray();
  private final Promise<Void> firstAnswer = Promise.promise();
  private final Promise<State> settled = Promise.promise();
  private State state = State.PENDING;
  private long retryTimer = -1;

  NotificationDelivery(int id, String copy, OutgoingNotification notification) {
    this.id = id;
    this.copy = copy;
    this.notification = notification;
  }

  OutgoingNotification notification() {
    return notification;
  }

  int attemptCount() {
    return attempts.size();
  }

  boolean pending() {
    return state == State.PENDING;
  }

  void recordAttempt(Instant at, String outcome, Integer httpStatus, String error) {
    attempts.add(new JsonObject()
        .put("attempt", attempts.size() + 1)
        .put("at", at.toString())
        .put("outcome", outcome)
        .put("httpStatus", httpStatus)
        .put("error", error));
    firstAnswer.tryComplete();
  }

  void retryTimer(long timerId) {
    retryTimer = timerId;
  }

  long retryTimer() {
    return retryTimer;
  }

  void finish(State finalState) {
    state = finalState;
    firstAnswer.tryComplete();
    settled.tryComplete(finalState);
  }

  /** Completes when the first attempt got an answer, or none: what ordered release waits for. */
  Future<Void> firstAnswer() {
    return firstAnswer.future();
  }

  /** Completes with the final state when the copy is delivered, given up or cancelled. */
  Future<State> settled() {
    return settled.future();
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("billId", notification.billId())
        .put("status", notification.status().wireName())
        .put("copy", copy)
        .put("state", state.name().toLowerCase(java.util.Locale.ROOT))
        .put("attempts", attempts.copy())
        .put("fields", notification.shown().copy());
  }
}
