package dev.qiwigateway.notification;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batcher of design.md §3: notifications validated on one event loop are gathered for at
 * most {@code window} or {@code maxRows}, then written in one transaction; each caller's future
 * completes with its own verdict once that transaction has committed. If the batch transaction
 * fails, its rows are retried one transaction each, so one bad row fails only itself.
 *
 * <p>Confined to the event loop of the verticle that created it: no locks, every method is called there.
 */
final class IngestBatcher {

  static final Duration DEFAULT_WINDOW = Duration.ofMillis(2);
  static final int DEFAULT_MAX_ROWS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(IngestBatcher.class);

  private record Pending(QiwiNotification notification, Promise<Verdict> verdict) {
  }

  private final Vertx vertx;
  private final NotificationInbox inbox;
  private final NotificationMetrics metrics;
  private final long windowMs;
  private final int maxRows;
  private final Set<Future<Void>> inFlight = new HashSet<>();
  private List<Pending> pending = new ArrayList<>();
  private long timer = -1;
  /** Set when the verticle stops: nothing waits for a window any more. */
  private boolean eager;

  IngestBatcher(Vertx vertx, NotificationInbox inbox, NotificationMetrics metrics, Duration window, int maxRows) {
    this.vertx = vertx;
    this.inbox = inbox;
    this.metrics = metrics;
    this.windowMs = Math.max(1, window.toMillis());
    this.maxRows = maxRows;
  }

  /** Completes with the notification's committed verdict, or fails when it could not be committed. */
  Future<Verdict> submit(QiwiNotification notification) {
    Promise<Verdict> verdict = Promise.promise();
    pending.add(new Pending(notification, verdict));
    if (eager || pending.size() >= maxRows) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(windowMs, id -> {
        timer = -1;
        flush();
      });
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
    return Future.join(new ArrayList<>(inFlight)).mapEmpty();
  }

  private void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    metrics.batch(batch.size());
    Future<Void> written = write(batch);
    inFlight.add(written);
    written.onComplete(done -> inFlight.remove(written));
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
