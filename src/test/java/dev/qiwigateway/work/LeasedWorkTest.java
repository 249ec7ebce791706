package dev.qiwigateway.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.work.LeasedWork.Handled;
import dev.qiwigateway.work.LeasedWork.Round;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rounds of leased work against an in-memory stand-in for a store's lease statements. */
@ExtendWith(VertxExtension.class)
class LeasedWorkTest {

  private Vertx vertx;
  private final DueChecks store = new DueChecks();
  private final List<String> handled = new ArrayList<>();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(100)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
  }

  @AfterEach
  void closeVertx(VertxTestContext ctx) {
    vertx.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("every claimed bill is checked once, never more of them at a time than the concurrency allows")
  void boundedConcurrency(VertxTestContext ctx) {
    store.due(10);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    LeasedWork<String> work = work(10, 3, bill -> {
      mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return vertx.timer(20).map(done -> {
        inFlight.decrementAndGet();
        handled.add(bill);
        return Handled.FINISHED;
      });
    });
    onContext(work::round).onComplete(ctx.succeeding(round -> ctx.verify(() -> {
      assertThat(round).isEqualTo(new Round(10, 10, 0));
      assertThat(handled).hasSize(10).doesNotHaveDuplicates();
      assertThat(mostAtOnce.get()).isEqualTo(3);
      assertThat(store.released).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a batch of 200,000 items handled without waiting runs in one lane without nesting a call per item")
  void quickItemsDoNotDeepenTheStack(VertxTestContext ctx) {
    store.due(200_000);
    AtomicInteger count = new AtomicInteger();
    LeasedWork<String> work = work(200_000, 1, bill -> {
      count.incrementAndGet();
      return Future.succeededFuture(Handled.FINISHED);
    });
    onContext(work::round).onComplete(ctx.succeeding(round -> ctx.verify(() -> {
      assertThat(round).isEqualTo(new Round(200_000, 200_000, 0));
      assertThat(count.get()).isEqualTo(200_000);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a stopping replica finishes the check in flight and gives back the bills it claimed but did not start")
  void stopReleasesUnstartedClaims(VertxTestContext ctx) {
    store.due(5);
    Promise<Void> firstStarted = Promise.promise();
    LeasedWork<String> work = work(5, 1, bill -> {
      firstStarted.tryComplete();
      return vertx.timer(100).map(done -> {
        handled.add(bill);
        return Handled.FINISHED;
      });
    });
    Future<Round> round = onContext(work::round);
    firstStarted.future()
        .compose(started -> vertx.timer(10))
        .compose(checking -> work.stop())
        .onComplete(ctx.succeeding(stopped -> ctx.verify(() -> {
          assertThat(round.isComplete()).as("stop waits for the round to settle").isTrue();
          assertThat(round.result()).isEqualTo(new Round(5, 1, 4));
          assertThat(handled).containsExactly("bill-1");
          assertThat(store.released).containsExactly("bill-2", "bill-3", "bill-4", "bill-5");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("rounds never overlap: a round asked for while one is running is that same round")
  void roundsNeverOverlap(VertxTestContext ctx) {
    store.due(4);
    LeasedWork<String> work = work(2, 2, bill -> vertx.timer(50).map(Handled.FINISHED));
    onContext(() -> {
      Future<Round> first = work.round();
      Future<Round> second = work.round();
      ctx.verify(() -> assertThat(second).isSameAs(first));
      return first;
    })
        .compose(first -> {
          ctx.verify(() -> assertThat(store.claims).isEqualTo(1));
          return onContext(work::round);
        })
        .onComplete(ctx.succeeding(next -> ctx.verify(() -> {
          assertThat(store.claims).as("the next round claims only after the first has ended").isEqualTo(2);
          assertThat(next.claimed()).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("while QIWI refuses calls nothing new starts, the refused bill and the rest go back, and the lag is still reported")
  void holdingOffGivesBackAndKeepsReportingLag(VertxTestContext ctx) {
    store.due(3);
    AtomicBoolean refusing = new AtomicBoolean();
    List<Duration> lags = new ArrayList<>();
    LeasedWork<String> work = work(3, 1, bill -> {
      refusing.set(true);
      return Future.succeededFuture(Handled.GIVE_BACK);
    }).holdingOffWhile(refusing::get)
        .reportingLag(() -> Future.succeededFuture(Duration.ofSeconds(42)), lags::add);
    onContext(work::round)
        .compose(first -> {
          ctx.verify(() -> {
            assertThat(first).isEqualTo(new Round(3, 0, 3));
            assertThat(store.released).containsExactly("bill-1", "bill-2", "bill-3");
          });
          return onContext(work::round);
        })
        .onComplete(ctx.succeeding(held -> ctx.verify(() -> {
          assertThat(held.foundWork()).isFalse();
          assertThat(store.claims).as("no claim while holding off").isEqualTo(1);
          assertThat(lags).containsExactly(Duration.ofSeconds(42), Duration.ofSeconds(42));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("past half its lease a claimed bill is given back unchecked: another replica may take it over soon")
  void claimsPastHalfTheLeaseGoBack(VertxTestContext ctx) {
    store.due(3);
    LeasedWork<String> work = work(3, 1, bill -> vertx.timer(250).map(done -> {
      handled.add(bill);
      return Handled.FINISHED;
    })).startingWithinHalfOf(Duration.ofMillis(400));
    onContext(work::round).onComplete(ctx.succeeding(round -> ctx.verify(() -> {
      assertThat(handled).containsExactly("bill-1");
      assertThat(store.released).containsExactly("bill-2", "bill-3");
      assertThat(round).isEqualTo(new Round(3, 1, 2));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a check that throws or fails costs only its own bill, whose lease is left to lapse")
  void failuresStayWithTheirItem(VertxTestContext ctx) {
    store.due(3);
    LeasedWork<String> work = work(3, 1, bill -> switch (bill) {
      case "bill-1" -> throw new IllegalStateException("malformed answer");
      case "bill-2" -> Future.failedFuture("database gone");
      default -> Future.succeededFuture(Handled.FINISHED);
    });
    onContext(work::round).onComplete(ctx.succeeding(round -> ctx.verify(() -> {
      assertThat(round).isEqualTo(new Round(3, 1, 0));
      assertThat(store.released).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a claim the database refuses ends the round empty instead of failing the schedule")
  void failedClaimEndsTheRoundEmpty(VertxTestContext ctx) {
    LeasedWork<String> work = new LeasedWork<>("refund-poll", 5, 1, limit -> Future.failedFuture("pool closed"),
        bill -> Future.succeededFuture(Handled.FINISHED), store::release);
    onContext(work::round).onComplete(ctx.succeeding(round -> ctx.verify(() -> {
      assertThat(round.foundWork()).isFalse();
      ctx.completeNow();
    })));
  }

  private LeasedWork<String> work(int batch, int concurrency, Function<String, Future<Handled>> handler) {
    return new LeasedWork<>("bill-poll", batch, concurrency, store::claim, handler, store::release);
  }

  /** Rounds run on an event loop, as they do in the owning verticle. */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(go -> action.get().onComplete(done));
    return done.future();
  }

  /** Due status checks and the leases given back, as a store's lease statements would keep them. */
  private static final class DueChecks {

    private final Deque<String> due = new ArrayDeque<>();
    private final List<String> released = new ArrayList<>();
    private int claims;

    void due(int bills) {
      for (int i = 1; i <= bills; i++) {
        due.add("bill-" + i);
      }
    }

    Future<List<String>> claim(int limit) {
      claims++;
      List<String> leased = new ArrayList<>();
      while (leased.size() < limit && !due.isEmpty()) {
        leased.add(due.poll());
      }
      return Future.succeededFuture(leased);
    }

    Future<Void> release(List<String> bills) {
      released.addAll(bills);
      return Future.succeededFuture();
    }
  }
}
