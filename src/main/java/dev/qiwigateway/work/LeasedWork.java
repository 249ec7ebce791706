package dev.qiwigateway.work;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rounds of leased work, the way replicas share background work through PostgreSQL (docs/architecture.md#leases): claim
 * a batch of due items (the feature's store leases them with {@code FOR UPDATE SKIP LOCKED}, so no two
 * replicas claim one item), handle them with bounded concurrency, and give back at the end of the round
 * what was claimed but not handled, so that another replica may take it now rather than when the lease
 * lapses.
 *
 * <p>Nothing new is started once {@link #stop()} was called, while the feature holds off (QIWI refusing
 * calls), or past half the lease, when another replica may take the claim over soon. Rounds never overlap:
 * asked for a round while one is in flight, it answers that one. Runs on the owning verticle's event loop,
 * so a round's state needs no locking.
 *
 * @param <T> a claimed item: what handling it needs, and the lease it holds
 */
public final class LeasedWork<T> {

  /** How handling one claimed item ended. */
  public enum Handled {
    /** Done with: the handler settled its lease. */
    FINISHED,
    /** Tried, not finished: it comes back when its lease lapses or its schedule says. */
    UNFINISHED,
    /** Not handled after all: given back unchanged at the end of the round. */
    GIVE_BACK;

    public static Handled finishedIf(boolean finished) {
      return finished ? FINISHED : UNFINISHED;
    }
  }

  /** What one round did. */
  public record Round(int claimed, int finished, int givenBack) {

    static final Round NONE = new Round(0, 0, 0);

    /** Whether anything was due: more may be waiting right behind this batch. */
    public boolean foundWork() {
      return claimed > 0;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(LeasedWork.class);

  private final String name;
  private final int batch;
  private final int concurrency;
  private final IntFunction<Future<List<T>>> claim;
  private final Function<T, Future<Handled>> handler;
  private final Function<List<T>, Future<?>> giveBack;
  private long startWithinNanos = Long.MAX_VALUE;
  private BooleanSupplier holdingOff = () -> false;
  private Supplier<Future<Duration>> oldestDueAge;
  private Consumer<Duration> lagGauge;
  private volatile boolean stopping;
  private volatile Future<Round> inFlight = Future.succeededFuture(Round.NONE);

  /**
   * @param claim    leases up to the given number of due items that no replica holds
   * @param handler  handles one item; a failure is logged and the item's lease left to lapse
   * @param giveBack releases the leases of items claimed but not handled (never called with none)
   */
  public LeasedWork(String name, int batch, int concurrency, IntFunction<Future<List<T>>> claim,
      Function<T, Future<Handled>> handler, Function<List<T>, Future<?>> giveBack) {
    if (batch < 1 || concurrency < 1) {
      throw new IllegalArgumentException(name + ": batch and concurrency must be positive");
    }
    this.name = name;
    this.batch = batch;
    this.concurrency = concurrency;
    this.claim = claim;
    this.handler = handler;
    this.giveBack = giveBack;
  }

  /** Items not started within half of {@code lease} are given back: another replica may soon take them over. */
  public LeasedWork<T> startingWithinHalfOf(Duration lease) {
    this.startWithinNanos = lease.toNanos() / 2;
    return this;
  }

  /** While {@code holdOff} answers true no round claims and no item starts. */
  public LeasedWork<T> holdingOffWhile(BooleanSupplier holdOff) {
    this.holdingOff = holdOff;
    return this;
  }

  /** Every round first reports how long the oldest due item has been waiting, even while holding off. */
  public LeasedWork<T> reportingLag(Supplier<Future<Duration>> oldestDueAge, Consumer<Duration> gauge) {
    this.oldestDueAge = oldestDueAge;
    this.lagGauge = gauge;
    return this;
  }

  /** One round; never fails (a failure is logged), so a schedule built on it always goes on. */
  public Future<Round> round() {
    if (!inFlight.isComplete()) {
      return inFlight;
    }
    if (stopping) {
      return Future.succeededFuture(Round.NONE);
    }
    // In flight before any step runs: a stop() or round() reached from within a step sees this round.
    Promise<Round> round = Promise.promise();
    inFlight = round.future();
    refreshLag()
        .compose(refreshed -> stopping || holdingOff.getAsBoolean() ? Future.succeededFuture(Round.NONE)
            : claim.apply(batch).compose(claimed -> new Batch(claimed).run()))
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("work", name).log("round failed; next round as scheduled");
          return Future.succeededFuture(Round.NONE);
        })
        .onComplete(round);
    return round.future();
  }

  /** Takes no more claims; completes once the round in flight has settled and given back what it did not start. */
  public Future<Void> stop() {
    stopping = true;
    return inFlight.transform(done -> Future.succeededFuture());
  }

  private Future<Void> refreshLag() {
    if (oldestDueAge == null) {
      return Future.succeededFuture();
    }
    return Future.succeededFuture().compose(none -> oldestDueAge.get())
        .onSuccess(lagGauge::accept)
        .<Void>mapEmpty()
        .recover(failure -> Future.succeededFuture());
  }

  /** One claimed batch: lanes take items one by one until none is left or starting more is not allowed. */
  private final class Batch {

    private final int claimed;
    private final Deque<T> waiting;
    private final List<T> givenBack = new ArrayList<>();
    private final long startByNanos;
    private int finished;

    Batch(List<T> claims) {
      this.claimed = claims.size();
      this.waiting = new ArrayDeque<>(claims);
      long now = System.nanoTime();
      this.startByNanos = startWithinNanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + startWithinNanos;
    }

    Future<Round> run() {
      if (claimed == 0) {
        return Future.succeededFuture(Round.NONE);
      }
      List<Future<Void>> lanes = new ArrayList<>();
      for (int i = 0; i < Math.min(concurrency, claimed); i++) {
        lanes.add(lane());
      }
      return Future.join(lanes).transform(done -> {
        givenBack.addAll(waiting);
        Future<?> released = givenBack.isEmpty() ? Future.succeededFuture()
            : Future.succeededFuture().compose(none -> giveBack.apply(List.copyOf(givenBack)));
        return released.map(new Round(claimed, finished, givenBack.size()));
      });
    }

    /**
     * A loop, not a chain: an item handled without waiting (already settled) goes straight on to the
     * next, so a large batch of quick items never nests one call per item on the stack.
     */
    private Future<Void> lane() {
      Promise<Void> laneDone = Promise.promise();
      takeNext(laneDone);
      return laneDone.future();
    }

    private void takeNext(Promise<Void> laneDone) {
      while (!(stopping || holdingOff.getAsBoolean() || tooLateToStart() || waiting.isEmpty())) {
        T item = waiting.poll();
        Future<Handled> handled = handle(item);
        if (!handled.isComplete()) {
          handled.onComplete(settled -> {
            count(item, settled.result());
            takeNext(laneDone);
          });
          return;
        }
        count(item, handled.result());
      }
      laneDone.complete();
    }

    private void count(T item, Handled handled) {
      if (handled == Handled.FINISHED) {
        finished++;
      } else if (handled == Handled.GIVE_BACK) {
        givenBack.add(item);
      }
    }

    private boolean tooLateToStart() {
      return startByNanos != Long.MAX_VALUE && System.nanoTime() - startByNanos > 0;
    }

    /** Never fails: one item's trouble must not hold up the rest of the batch. */
    private Future<Handled> handle(T item) {
      return Future.succeededFuture(item).compose(handler)
          .recover(failure -> {
            LOG.atWarn().setCause(failure).addKeyValue("work", name)
                .log("could not handle a claimed item; its lease will lapse");
            return Future.succeededFuture(Handled.UNFINISHED);
          });
    }
  }
}
