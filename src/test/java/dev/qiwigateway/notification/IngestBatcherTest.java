package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.TestSecrets;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The batcher on its own, on one of the gateway's event loops against the gateway's database: the
 * notifications of each test are submitted in one tick, so they form one batch whatever the timing.
 */
@DisplayName("Notifications gathered into one transaction each get their own verdict, and one bad row sinks only itself")
class IngestBatcherTest extends NotificationTestBase {

  /** No limit on transactions or waiting notifications: only the window and the batch size gather. */
  private static final int UNLIMITED = Integer.MAX_VALUE;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Context loop;

  @BeforeEach
  void onAnEventLoop() {
    loop = gateway.vertx().getOrCreateContext();
  }

  private IngestBatcher batcher(Duration window, int maxRows) {
    return batcher(new IngestBatcher.Limits(window, maxRows, UNLIMITED, UNLIMITED));
  }

  private IngestBatcher batcher(IngestBatcher.Limits limits) {
    return new IngestBatcher(gateway.vertx(), new NotificationInbox(db()),
        new NotificationMetrics(registry), limits);
  }

  private static QiwiNotification notification(String billId, BillStatus status, String amount) {
    return new QiwiNotification(QiwiDialect.REST_V3, billId, status, new BigDecimal(amount), "RUB", TestSecrets.PRV_ID,
        true, "127.0.0.1", "bill_id=" + billId + "&status=" + status.wireName());
  }

  /** Submits all in one event-loop tick; completes when every one has its outcome, failed ones included. */
  private Future<List<Future<Verdict>>> submitTogether(IngestBatcher batcher, List<QiwiNotification> notifications) {
    Promise<List<Future<Verdict>>> submitted = Promise.promise();
    loop.runOnContext(v -> submitted.complete(notifications.stream().map(batcher::submit).toList()));
    return submitted.future().compose(outcomes -> Future.join(outcomes).otherwiseEmpty().map(outcomes));
  }

  private DistributionSummary batchSizes() {
    return registry.get(NotificationMetrics.BATCH_SIZE).summary();
  }

  @Test
  @DisplayName("when the database refuses one row of a batch, the other four are still applied and acknowledged")
  void poisonedRow(VertxTestContext ctx) {
    IngestBatcher batcher = batcher(Duration.ofSeconds(60), 5);
    issue("ok-1", "10.00").compose(b -> issue("ok-2", "10.00")).compose(b -> issue("ok-3", "10.00"))
        .compose(b -> issue("ok-4", "10.00")).compose(b -> issue("poison-1", "10.00"))
        .compose(issued -> db().query("ALTER TABLE notification_inbox ADD CONSTRAINT poisoned "
            + "CHECK (bill_id <> 'poison-1')").execute())
        .compose(poisoned -> submitTogether(batcher, List.of(
            notification("ok-1", BillStatus.PAID, "10.00"),
            notification("ok-2", BillStatus.PAID, "10.00"),
            notification("poison-1", BillStatus.PAID, "10.00"),
            notification("ok-3", BillStatus.REJECTED, "10.00"),
            notification("ok-4", BillStatus.PAID, "10.00"))))
        .compose(outcomes -> {
          ctx.verify(() -> {
            assertThat(outcomes).extracting(Future::succeeded).containsExactly(true, true, false, true, true);
            assertThat(outcomes).filteredOn(Future::succeeded).extracting(Future::result).containsOnly(Verdict.APPLIED);
            assertThat(batchSizes().count()).isEqualTo(1);
            assertThat(batchSizes().totalAmount()).isEqualTo(5);
            assertThat(registry.get("qiwi.notifications.batch.fallbacks").counter().count()).isEqualTo(1);
          });
          return Future.all(statusOf("ok-1"), statusOf("ok-3"), statusOf("poison-1"), events("poison-1"),
              count("SELECT count(*) FROM notification_inbox "
                  + "WHERE bill_id IN ('ok-1', 'ok-2', 'ok-3', 'ok-4', 'poison-1')"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<String>resultAt(1)).isEqualTo("rejected");
          assertThat(seen.<String>resultAt(2)).as("the refused row's transition rolled back with it").isEqualTo("waiting");
          assertThat(seen.<List<String>>resultAt(3)).containsExactly("bill.waiting");
          assertThat(seen.<Long>resultAt(4)).isEqualTo(4);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("copies, a disagreeing amount, an unknown bill and a late status in one batch each get their own verdict")
  void verdictsWithinOneBatch(VertxTestContext ctx) {
    IngestBatcher batcher = batcher(Duration.ofSeconds(60), 6);
    issue("mixed-1", "10.00")
        .compose(issued -> submitTogether(batcher, List.of(
            notification("mixed-1", BillStatus.PAID, "10.00"),
            notification("mixed-1", BillStatus.PAID, "10.00"),
            notification("mixed-1", BillStatus.PAID, "11.00"),
            notification("ghost-9", BillStatus.PAID, "10.00"),
            notification("mixed-1", BillStatus.EXPIRED, "10.00"),
            notification("mixed-1", BillStatus.WAITING, "10.00"))))
        .compose(outcomes -> {
          ctx.verify(() -> {
            assertThat(outcomes).extracting(Future::result).containsExactly(Verdict.APPLIED, Verdict.DUPLICATE,
                Verdict.MISMATCH, Verdict.UNKNOWN_BILL, Verdict.STALE, Verdict.STALE);
            assertThat(batchSizes().count()).isEqualTo(1);
          });
          return Future.all(events("mixed-1"), verdicts("mixed-1"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<List<String>>resultAt(0)).containsExactly("bill.waiting", "bill.paid");
          assertThat(seen.<List<String>>resultAt(1))
              .containsExactly("applied", "duplicate", "mismatch", "stale", "stale");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("notifications arriving while the batcher's one transaction is open share the next commit as soon as it ends")
  void gathersWhileItsTransactionIsOpen(VertxTestContext ctx) {
    IngestBatcher batcher = batcher(new IngestBatcher.Limits(Duration.ofHours(1), 3, 1, UNLIMITED));
    // Three fill the first batch; the other two arrive while it is being written, and no window
    // (an hour here) may hold them back once it has committed.
    issueAndNotify(batcher, List.of(BillStatus.PAID, BillStatus.PAID, BillStatus.PAID, BillStatus.REJECTED,
            BillStatus.PAID), "busy-1", "busy-2", "busy-3", "busy-4", "busy-5")
        .compose(outcomes -> {
          ctx.verify(() -> {
            assertThat(outcomes).extracting(Future::result).containsOnly(Verdict.APPLIED);
            assertThat(batchSizes().count()).as("transactions").isEqualTo(2);
            assertThat(batchSizes().max()).isEqualTo(3);
            assertThat(batchSizes().totalAmount()).isEqualTo(5);
          });
          return Future.all(statusOf("busy-4"), statusOf("busy-5"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("rejected");
          assertThat(seen.<String>resultAt(1)).isEqualTo("paid");
          ctx.completeNow();
        })));
  }

  /**
   * One statement per loop keeps batches large, but a statement waiting for a lock must not hold back
   * every notification of its loop: once stalled it no longer counts, and the next batch goes ahead.
   */
  @Test
  @DisplayName("a statement waiting for a bill another transaction holds does not hold back the notifications behind it")
  void stalledStatementDoesNotBlockTheLoop(VertxTestContext ctx) {
    IngestBatcher batcher = batcher(new IngestBatcher.Limits(Duration.ofMillis(1), 10, 1, UNLIMITED));
    Promise<Verdict> held = Promise.promise();
    Future.all(issue("locked-1", "10.00"), issue("free-1", "10.00"))
        .compose(issued -> db().getConnection())
        .compose(holder -> holder.begin().compose(tx -> holder
                .query("SELECT 1 FROM bill WHERE bill_id = 'locked-1' FOR UPDATE").execute()
                .compose(locked -> {
                  loop.runOnContext(v -> batcher.submit(notification("locked-1", BillStatus.PAID, "10.00"))
                      .onComplete(held));
                  return awaitLockWait();
                })
                .compose(waiting -> submitTogether(batcher, List.of(notification("free-1", BillStatus.PAID, "10.00"))))
                .compose(behind -> {
                  ctx.verify(() -> {
                    assertThat(behind.get(0).result()).isEqualTo(Verdict.APPLIED);
                    assertThat(held.future().isComplete()).as("the held notification still waits").isFalse();
                  });
                  return tx.commit();
                }))
            .eventually(() -> holder.close()))
        .compose(released -> held.future())
        .onComplete(ctx.succeeding(verdict -> ctx.verify(() -> {
          assertThat(verdict).isEqualTo(Verdict.APPLIED);
          ctx.completeNow();
        })));
  }

  /** Completes once a statement of the gateway's database waits for a row lock. */
  private Future<Void> awaitLockWait() {
    return count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
        .compose(waiting -> {
          if (waiting > 0) {
            return Future.succeededFuture();
          }
          Promise<Void> later = Promise.promise();
          gateway.vertx().setTimer(20, id -> awaitLockWait().onComplete(later));
          return later.future();
        });
  }

  @Test
  @DisplayName("when more notifications wait than the queue holds, the next one is refused at once and the queued ones still commit")
  void refusesBeyondTheQueue(VertxTestContext ctx) {
    IngestBatcher batcher = batcher(new IngestBatcher.Limits(Duration.ofHours(1), 2, 1, 3));
    // Two fill the one transaction; three wait for it, which is all the queue holds; the sixth is refused.
    issueAndNotify(batcher, Collections.nCopies(6, BillStatus.PAID), "full-1", "full-2", "full-3", "full-4", "full-5",
            "full-6")
        .compose(outcomes -> {
          ctx.verify(() -> {
            assertThat(outcomes).extracting(Future::succeeded).containsExactly(true, true, true, true, true, false);
            assertThat(outcomes.get(5).cause()).isInstanceOf(IngestBatcher.Overloaded.class);
            assertThat(registry.get("qiwi.notifications.shed").counter().count()).isEqualTo(1);
          });
          return Future.all(statusOf("full-5"), statusOf("full-6"), verdicts("full-6"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<String>resultAt(1)).as("the refused one is left for QIWI's next delivery").isEqualTo("waiting");
          assertThat(seen.<List<String>>resultAt(2)).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("notifications still gathering when the verticle stops are committed by the drain, not left to their window")
  void drainCommitsWhatIsGathered(VertxTestContext ctx) {
    IngestBatcher batcher = batcher(Duration.ofHours(1), 64);
    Promise<List<Future<Verdict>>> drained = Promise.promise();
    issue("drain-1", "10.00").compose(b -> issue("drain-2", "10.00"))
        .compose(issued -> {
          loop.runOnContext(v -> {
            List<Future<Verdict>> outcomes = List.of(
                batcher.submit(notification("drain-1", BillStatus.PAID, "10.00")),
                batcher.submit(notification("drain-2", BillStatus.UNPAID, "10.00")));
            batcher.drain().onComplete(done -> drained.complete(outcomes));
          });
          return drained.future();
        })
        .compose(outcomes -> {
          ctx.verify(() -> assertThat(outcomes).extracting(Future::result).containsExactly(Verdict.APPLIED, Verdict.APPLIED));
          return Future.all(statusOf("drain-1"), statusOf("drain-2"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<String>resultAt(1)).isEqualTo("unpaid");
          ctx.completeNow();
        })));
  }

  /** Issues each bill (10.00), then submits one notification per bill, with the status at its position, together. */
  private Future<List<Future<Verdict>>> issueAndNotify(IngestBatcher batcher, List<BillStatus> statuses,
      String... billIds) {
    Future<JsonObject> issued = Future.succeededFuture();
    for (String billId : billIds) {
      issued = issued.compose(previous -> issue(billId, "10.00"));
    }
    List<QiwiNotification> notifications = new ArrayList<>();
    for (int i = 0; i < billIds.length; i++) {
      notifications.add(notification(billIds[i], statuses.get(i), "10.00"));
    }
    return issued.compose(all -> submitTogether(batcher, notifications));
  }
}
