package dev.qiwigateway.work;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When work runs next. Background work on a Vert.x timer never overlaps itself: the next run is scheduled
 * only when the previous one has finished, however long it took, so a slow database makes the runs rarer
 * instead of piling them up. A failed run is logged and the schedule goes on. Timers fire on the context that
 * called {@link #start()}: start it from the owning verticle. A failed attempt is tried again after the
 * gateway's one {@link Backoff}.
 */
public final class PeriodicTask {

  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);
  private static final long AT_ONCE_MS = 1;

  private final Vertx vertx;
  private final String name;
  private final long periodMs;
  /** A run answers true when it found work: more may be due right behind it. */
  private final Supplier<Future<Boolean>> work;
  private volatile boolean running;
  private volatile long timerId = -1;
  private volatile Future<?> inFlight = Future.succeededFuture();

  private PeriodicTask(Vertx vertx, String name, Duration period, Supplier<Future<Boolean>> work) {
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException(name + " period must be at least a millisecond");
    }
    this.vertx = vertx;
    this.name = name;
    this.periodMs = period.toMillis();
    this.work = work;
  }

  /** Runs {@code work} one period after the previous run finished. */
  public static PeriodicTask every(Vertx vertx, String name, Duration period, Supplier<? extends Future<?>> work) {
    return new PeriodicTask(vertx, name, period, () -> work.get().map(false));
  }

  /**
   * Runs {@code work} again at once while it answers that it found work, else one period after it finished:
   * a backlog drains batch after batch instead of one batch per period.
   */
  public static PeriodicTask untilIdle(Vertx vertx, String name, Duration idlePeriod, Supplier<Future<Boolean>> work) {
    return new PeriodicTask(vertx, name, idlePeriod, work);
  }

  /** The first run comes one period from now. */
  public void start() {
    running = true;
    schedule(periodMs);
  }

  /** The first run comes at once. */
  public void startNow() {
    running = true;
    schedule(AT_ONCE_MS);
  }

  /** Stops scheduling; the returned future completes once a run in progress has finished. */
  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(timerId);
    return inFlight.transform(done -> Future.succeededFuture());
  }

  private void schedule(long delayMs) {
    if (running) {
      timerId = vertx.setTimer(delayMs, id -> runOnce());
    }
  }

  private void runOnce() {
    if (!running) {
      return;
    }
    // In flight before the work starts: a stop() reached from within the work waits for this run.
    Promise<Boolean> run = Promise.promise();
    inFlight = run.future();
    Future.succeededFuture().compose(none -> work.get()).onComplete(run);
    run.future().onComplete(done -> {
      if (done.failed()) {
        LOG.atWarn().setCause(done.cause()).addKeyValue("task", name).log("background run failed; next run as scheduled");
      }
      schedule(done.succeeded() && Boolean.TRUE.equals(done.result()) ? AT_ONCE_MS : periodMs);
    });
  }

  /**
   * How long to wait before trying again: exponential back-off, the one back-off of the gateway. QIWI calls
   * and webhook deliveries wait with full jitter: after the n-th failed attempt the wait is random in
   * [1 ms, min(max, base × 2^(n-1))], so the first retry comes within {@code base}, and callers that failed
   * together (every checkout when QIWI stumbles, every event when a marketplace is down) come back spread
   * out rather than in one wave. The status poller waits the ceiling itself ({@link #doubledMs}): its schedule
   * is documented as plain doubling, and {@code BillStore} repeats its first step in SQL.
   */
  public static final class Backoff {

    private final long baseMs;
    private final long maxMs;

    public Backoff(Duration base, Duration max) {
      this.baseMs = Math.max(1, base.toMillis());
      this.maxMs = Math.max(baseMs, max.toMillis());
    }

    /**
     * A random wait up to {@link #ceilingMs}; at least 1 ms, because a Vert.x timer cannot be shorter.
     *
     * @param attempts attempts made so far, the failed one included (1 before the first retry)
     */
    public long delayMs(int attempts) {
      return 1 + ThreadLocalRandom.current().nextLong(ceilingMs(attempts));
    }

    /** The longest wait after {@code attempts} attempts: the base, doubled per attempt after the first, capped. */
    public long ceilingMs(int attempts) {
      return doubledMs(Math.max(attempts, 1) - 1);
    }

    /** The base doubled {@code doublings} times, capped at the max. */
    public long doubledMs(int doublings) {
      // Doubling stops before the shift could overflow; every cap has been reached long before.
      int capped = Math.min(Math.max(doublings, 0), Long.numberOfLeadingZeros(baseMs) - 1);
      return Math.min(maxMs, baseMs << capped);
    }
  }
}
