package dev.qiwigateway.polling;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits, on Vert.x timers, until a condition holds; the timeout is only an upper bound for a broken build. */
final class Eventually {

  private static final long CHECK_EVERY_MS = 25;

  private Eventually() {
  }

  static Future<Void> until(Vertx vertx, String what, Duration timeout, Supplier<Future<Boolean>> condition) {
    Promise<Void> done = Promise.promise();
    check(vertx, what, System.nanoTime() + timeout.toNanos(), condition, done);
    return done.future();
  }

  private static void check(Vertx vertx, String what, long deadline, Supplier<Future<Boolean>> condition,
      Promise<Void> done) {
    condition.get().onComplete(result -> {
      if (result.succeeded() && result.result()) {
        done.complete();
      } else if (System.nanoTime() - deadline > 0) {
        done.fail(result.failed() ? result.cause() : new AssertionError("gave up waiting until " + what));
      } else {
        vertx.setTimer(CHECK_EVERY_MS, id -> check(vertx, what, deadline, condition, done));
      }
    });
  }

  /** A Vert.x-timer pause, for "nothing happens during this window" checks. */
  static Future<Void> after(Vertx vertx, Duration window) {
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(window.toMillis(), id -> elapsed.complete());
    return elapsed.future();
  }
}
