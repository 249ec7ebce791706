package dev.qiwigateway.notification;

import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batcher of docs/architecture.md#performance-design: notifications validated on one event loop are gathered for at
 * most {@code window} or {@code maxRows}, then written in one transaction; each caller's future
 * completes with its own verdict once that transaction has committed. If the batch transaction
 * fails, its rows are retried one transaction each, so one bad row fails only itself.
 *
 * <p>At most {@code maxInFlight} transactions of one batcher are open at a time. While they are,
 * new notifications keep gathering and are written as soon as one commits: under load the batches
 * grow instead of the queue for pool connections, so each commit carries more rows and the batcher
 * never holds more connections than its share of the pool.
 *
 * <p>A statement still open after {@link #STALLED_AFTER} is stalled, not busy: it waits for a lock (a
 * bill row another transaction holds) or for a struggling database, not for CPU. It stops counting
 * against {@code maxInFlight}, so the notifications behind it are written meanwhile; at most
 * {@link #MAX_STALLED} more statements are opened that way, so a database that stalls everything still
 * holds a bounded share of the pool.
 *
 * <p>At most {@code maxWaiting} notifications wait for a transaction. Beyond that the gateway is
 * past what it can commit, and a longer queue would only make every answer later until QIWI gives
 * up on all of them: a new notification is refused at once ({@link Overloaded}, answered 13, which
 * QIWI resends later), and those already queued keep their latency.
 *
 * <p>Confined to the event loop of the verticle that created it: no locks, every method is called there.
 */
final class IngestBatcher {

  /** Far longer than a full batch takes when nothing blocks it (about 20 ms for 256 rows on 2 cores). */
  static final Duration STALLED_AFTER = Duration.ofMillis(100);
  static final int MAX_STALLED = 3;

  /**
   * How the batcher gathers (see the class comment).
   *
   * @param window      how long the first notification of a batch waits for company
   * @param maxRows     rows per transaction
   * @param maxInFlight transactions open at once
   * @param maxWaiting  notifications waiting for a transaction before new ones are refused
   */
  record Limits(Duration window, int maxRows, int maxInFlight, int maxWaiting) {
    Limits {
      if (window.isNegative() || maxRows < 1 || maxInFlight < 1 || maxWaiting < 1) {
        throw new IllegalArgumentException("ingest limits must be positive");
      }
    }
  }

  /** The refusal of a notification that arrived while the queue was full; QIWI will deliver it again. */
  static final class Overloaded extends RuntimeException {
    Overloaded() {
      super("notification ingest queue full", null, false, false);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(IngestBatcher.class);

  private record Pending(QiwiNotification notification, Promise<Verdict> verdict) {
  }

  private final Vertx vertx;
  private final NotificationInbox inbox;
  private final NotificationMetrics metrics;
  private final long windowMs;
  private final int maxRows;
  private final int maxInFlight;
  private final int maxWaiting;
  /** Each open statement and the time it was sent (System.nanoTime). */
  private final Map<Future<Void>, Long> inFlight = new HashMap<>();
  private List<Pending> pending = new ArrayList<>();
  private long timer = -1;
  private long stallTimer = -1;
  /** Set when the verticle stops: nothing waits for a window any more. */
  private boolean eager;

  IngestBatcher(Vertx vertx, NotificationInbox inbox, NotificationMetrics metrics, Limits limits) {
    this.vertx = vertx;
    this.inbox = inbox;
    this.metrics = metrics;
    this.windowMs = Math.max(1, limits.window().toMillis());
    this.maxRows = limits.maxRows();
    this.maxInFlight = limits.maxInFlight();
    this.maxWaiting = limits.maxWaiting();
  }

  /**
   * Completes with the notification's committed verdict, or fails when it could not be committed
   * ({@link Overloaded} at once when too many wait already).
   */
  Future<Verdict> submit(QiwiNotification notification) {
    if (!eager && pending.size() >= maxWaiting) {
      metrics.shed();
      return Future.failedFuture(new Overloaded());
    }
    Promise<Verdict> verdict = Promise.promise();
    pending.add(new Pending(notification, verdict));
    if (eager || pending.size() >= maxRows) {
      flush();
    } else if (timer < 0 && mayOpenStatement()) {
      timer = vertx.setTimer(windowMs, id -> {
        timer = -1;
        flush();
      });
    } else if (timer < 0) {
      recheckWhenStalled();
    }
    return verdict.future();
  }

  /** Writes what is gathered now and every later submission at once: the verticle is stopping. */
  void stopBatching() {
    eager = true;
    flush();
  }

  /** Completes when every batch written so far has committed (or failed and answered its callers). */
  Future<Void> drain() {
    stopBatching();
    return Future.join(new ArrayList<>(inFlight.keySet())).mapEmpty();
  }

  /**
   * Writes what is gathered, {@code maxRows} per transaction, in as many transactions as the limit
   * allows now; the rest waits for the next commit. Stopping ignores the limit: nothing may be left behind.
   */
  private void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    while (!pending.isEmpty() && (eager || mayOpenStatement())) {
      List<Pending> batch;
      if (pending.size() <= maxRows) {
        batch = pending;
        pending = new ArrayList<>();
      } else {
        batch = new ArrayList<>(pending.subList(0, maxRows));
        pending = new ArrayList<>(pending.subList(maxRows, pending.size()));
      }
      metrics.batch(batch.size());
      Future<Void> written = write(batch);
      inFlight.put(written, System.nanoTime());
      // These rows already waited for a transaction to finish; a window on top would only add latency.
      written.onComplete(done -> {
        inFlight.remove(written);
        flush();
      });
    }
    if (!pending.isEmpty()) {
      recheckWhenStalled();
    }
  }

  private boolean mayOpenStatement() {
    if (inFlight.size() - MAX_STALLED >= maxInFlight) {
      return false;
    }
    // Called for every notification: a loop over the few open statements, no stream.
    long stalledBefore = System.nanoTime() - STALLED_AFTER.toNanos();
    int busy = 0;
    for (long sent : inFlight.values()) {
      if (sent - stalledBefore > 0) {
        busy++;
      }
    }
    return busy < maxInFlight;
  }

  /** Notifications wait behind open statements: look again when the youngest of them would count as stalled. */
  private void recheckWhenStalled() {
    if (stallTimer >= 0 || inFlight.isEmpty() || inFlight.size() - MAX_STALLED >= maxInFlight) {
      return;
    }
    long youngest = inFlight.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
    long delayMs = Math.max(1, (youngest + STALLED_AFTER.toNanos() - System.nanoTime()) / 1_000_000 + 1);
    stallTimer = vertx.setTimer(delayMs, id -> {
      stallTimer = -1;
      flush();
    });
  }

  private Future<Void> write(List<Pending> batch) {
    return inbox.record(batch.stream().map(Pending::notification).toList())
        .map(verdicts -> {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).verdict().complete(verdicts.get(i));
          }
          return (Void) null;
        })
        .recover(failure -> batch.size() == 1 ? failed(batch.get(0), failure) : rowByRow(batch, failure));
  }

  private Future<Void> rowByRow(List<Pending> batch, Throwable failure) {
    metrics.fallback();
    LOG.atWarn().addKeyValue("rows", batch.size()).addKeyValue("cause", failure.getClass().getSimpleName())
        .log("notification batch failed; writing its rows one by one");
    List<Future<Void>> rows = batch.stream()
        .map(row -> inbox.record(List.of(row.notification()))
            .map(verdicts -> {
              row.verdict().complete(verdicts.get(0));
              return (Void) null;
            })
            .recover(rowFailure -> failed(row, rowFailure)))
        .toList();
    return Future.join(rows).mapEmpty();
  }

  private static Future<Void> failed(Pending row, Throwable failure) {
    LOG.atWarn().addKeyValue("billId", row.notification().billId()).addKeyValue("cause", String.valueOf(failure.getMessage()))
        .log("notification not recorded; QIWI will deliver it again");
    row.verdict().fail(failure);
    return Future.succeededFuture();
  }
}
