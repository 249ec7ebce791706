package dev.qiwigateway.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The timer under every background job of the gateway (poller, webhook dispatcher, completer, reaper). */
@ExtendWith(VertxExtension.class)
class PeriodicTaskTest {

  private Vertx vertx;

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
  @DisplayName("a run slower than the period (a slow database) delays the next run instead of overlapping it")
  void runsNeverOverlap(VertxTestContext ctx) {
    List<long[]> runs = new ArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    PeriodicTask task = PeriodicTask.every(vertx, "slow-reaper", Duration.ofMillis(5), () -> {
      long[] run = {System.nanoTime(), 0};
      runs.add(run);
      mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return vertx.timer(40).onComplete(done -> {
        inFlight.decrementAndGet();
        run[1] = System.nanoTime();
      });
    });
    vertx.runOnContext(go -> task.start());
    vertx.timer(400)
        .compose(later -> task.stop())
        .onComplete(ctx.succeeding(stopped -> ctx.verify(() -> {
          assertThat(runs.size()).isBetween(3, 9);
          assertThat(mostAtOnce.get()).isEqualTo(1);
          for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i)[0] - runs.get(i - 1)[1]).as("run %d starts after run %d ended", i, i - 1)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a backlog of events is worked off run after run at once, then the task waits its idle period")
  void untilIdleRunsAgainWhileBusy(VertxTestContext ctx) {
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task = PeriodicTask.untilIdle(vertx, "webhook-backlog", Duration.ofHours(1),
        () -> Future.succeededFuture(runs.incrementAndGet() <= 3));
    vertx.runOnContext(go -> task.startNow());
    vertx.timer(300)
        .compose(later -> task.stop())
        .onComplete(ctx.succeeding(stopped -> ctx.verify(() -> {
          assertThat(runs.get()).as("three busy runs, one idle run, then an hour's wait").isEqualTo(4);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("stopping waits for the run in flight, so its leases are settled before the pool closes")
  void stopWaitsForTheRunInFlight(VertxTestContext ctx) {
    AtomicInteger runs = new AtomicInteger();
    List<String> order = new ArrayList<>();
    PeriodicTask task = PeriodicTask.every(vertx, "completer", Duration.ofMillis(1), () -> {
      runs.incrementAndGet();
      return vertx.timer(150).onComplete(done -> order.add("run finished"));
    });
    vertx.runOnContext(go -> task.start());
    vertx.timer(60)
        .compose(runStarted -> task.stop())
        .onComplete(ctx.succeeding(stopped -> ctx.verify(() -> {
          order.add("stopped");
          assertThat(runs.get()).isEqualTo(1);
          assertThat(order).containsExactly("run finished", "stopped");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a run that throws or fails is logged and the schedule goes on")
  void failuresDoNotEndTheSchedule(VertxTestContext ctx) {
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task = PeriodicTask.every(vertx, "flaky", Duration.ofMillis(5), () -> {
      int run = runs.incrementAndGet();
      if (run == 1) {
        throw new IllegalStateException("database gone");
      }
      return run == 2 ? Future.failedFuture("database still gone") : Future.succeededFuture();
    });
    vertx.runOnContext(go -> task.start());
    vertx.timer(300)
        .compose(later -> task.stop())
        .onComplete(ctx.succeeding(stopped -> ctx.verify(() -> {
          assertThat(runs.get()).isGreaterThanOrEqualTo(3);
          ctx.completeNow();
        })));
  }
}
