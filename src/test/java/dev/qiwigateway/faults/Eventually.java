package dev.qiwigateway.faults;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits on Vert.x timers until a condition holds; the limit is only an upper bound for a broken build. */
final class Eventually {

  static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final long CHECK_EVERY_MS = 50;

  private Eventually() {
  }

  static Future<Void> until(Vertx vertx, String what, Supplier<Future<Boolean>> condition) {
    Promise<Void> done = Promise.promise();
    check(vertx, what, System.nanoTime() + PATIENCE.toNanos(), condition, done);
    return done.future();
  }

  private static void check(Vertx vertx, String what, long deadline, Supplier<Future<Boolean>> condition,
      Promise<Void> done) {
    condition.get().onComplete(result -> {
      if (result.succeeded() && Boolean.TRUE.equals(result.result())) {
        done.complete();
      } else if (System.nanoTime() - deadline > 0) {
        done.fail(new AssertionError("gave up waiting until " + what, result.cause()));
      } else {
        vertx.setTimer(CHECK_EVERY_MS, id -> check(vertx, what, deadline, condition, done));
      }
    });
  }

  /** A pause on a Vert.x timer, for "nothing piles up during this window" checks. */
  static Future<Void> after(Vertx vertx, Duration window) {
    return vertx.timer(window.toMillis()).mapEmpty();
  }
}
