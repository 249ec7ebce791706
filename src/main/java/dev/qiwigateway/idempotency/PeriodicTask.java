package dev.qiwigateway.idempotency;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work on a Vert.x timer that never overlaps itself: the next run is scheduled only when the
 * previous one has finished, however long it took.
 */
final class PeriodicTask {

  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);

  private final Vertx vertx;
  private final String name;
  private final long periodMs;
  private final Supplier<Future<?>> work;
  private volatile boolean running;
  private volatile long timerId = -1;
  private volatile Future<?> inFlight = Future.succeededFuture();

  PeriodicTask(Vertx vertx, String name, Duration period, Supplier<Future<?>> work) {
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException(name + " period must be at least a millisecond");
    }
    this.vertx = vertx;
    this.name = name;
    this.periodMs = period.toMillis();
    this.work = work;
  }

  void start() {
    running = true;
    schedule();
  }

  /** Stops scheduling; the returned future completes once a run in progress has finished. */
  Future<Void> stop() {
    running = false;
    vertx.cancelTimer(timerId);
    return inFlight.transform(done -> Future.succeededFuture());
  }

  private void schedule() {
    if (running) {
      timerId = vertx.setTimer(periodMs, id -> runOnce());
    }
  }

  private void runOnce() {
    if (!running) {
      return;
    }
    Future<?> run;
    try {
      run = work.get();
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    inFlight = run;
    run.onComplete(done -> {
      if (done.failed()) {
        LOG.atWarn().setCause(done.cause()).addKeyValue("task", name).log("background run failed; next run as scheduled");
      }
      schedule();
    });
  }
}
