package dev.qiwigateway.webhook;

import dev.qiwigateway.config.WebhookSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to the marketplace: leases due events in batches, POSTs each, records the
 * outcome. Every replica runs one; leases keep them from attempting an event at the same time, so a
 * receiver that always answers 2xx gets each event once. A batch holds at most one event per bill
 * (see {@link WebhookOutbox}), so a bill's events go out one after another, in order.
 *
 * <p>Runs never overlap: the next one is scheduled when the previous has settled, at once if it found
 * work (the next event of a bill may just have become due), else after the poll period.
 */
public final class WebhookDispatcher {

  public static final int DEFAULT_BATCH = 32;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final Vertx vertx;
  private final WebhookOutbox outbox;
  private final WebhookSender sender;
  private final WebhookMetrics metrics;
  private final RetrySchedule retries;
  private final Duration retryWindow;
  private final Duration pollPeriod;
  private final Duration leaseFor;
  private final Duration depthRefresh;
  private final int batchSize;
  private boolean running;
  private long runTimer = -1;
  private long depthTimer = -1;
  private boolean depthInFlight;
  private Future<?> inFlight = Future.succeededFuture();

  WebhookDispatcher(Vertx vertx, WebhookOutbox outbox, WebhookSender sender, WebhookMetrics metrics,
      WebhookSettings settings, int batchSize) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.sender = sender;
    this.metrics = metrics;
    this.retries = new RetrySchedule(settings.retryBase(), settings.retryMax());
    this.retryWindow = settings.retryWindow();
    this.pollPeriod = settings.pollPeriod();
    // Long enough that only a dead replica loses its lease: every attempt ends within the timeout.
    this.leaseFor = settings.timeout().multipliedBy(2).plusSeconds(30);
    // Ten polls, at least a second: 5 s with the default poll period.
    this.depthRefresh = Duration.ofMillis(Math.max(1000, pollPeriod.toMillis() * 10));
    this.batchSize = batchSize;
  }

  /** Call on the event loop that should run the dispatcher (the owning verticle's). */
  void start() {
    running = true;
    refreshDepth();
    depthTimer = vertx.setPeriodic(depthRefresh.toMillis(), id -> refreshDepth());
    schedule(1);
  }

  /**
   * Stops leasing; completes once the attempts in flight have been recorded and any lease still held
   * (an outcome that could not be written) has been released for the other replicas.
   */
  Future<Void> stop() {
    running = false;
    vertx.cancelTimer(runTimer);
    vertx.cancelTimer(depthTimer);
    return inFlight.transform(done -> outbox.releaseAll())
        .onSuccess(released -> {
          if (released > 0) {
            LOG.atInfo().addKeyValue("released", released).log("released webhook leases on shutdown");
          }
        })
        .transform(done -> Future.<Void>succeededFuture());
  }

  private void schedule(long delayMs) {
    if (running) {
      runTimer = vertx.setTimer(Math.max(1, delayMs), id -> runOnce());
    }
  }

  private void runOnce() {
    if (!running) {
      return;
    }
    Future<Integer> run = outbox.lease(batchSize, leaseFor).compose(this::attemptAll);
    inFlight = run;
    run.onComplete(done -> {
      if (done.failed()) {
        LOG.atWarn().setCause(done.cause()).log("webhook dispatch run failed; next run after the poll period");
      }
      schedule(done.succeeded() && done.result() > 0 ? 1 : pollPeriod.toMillis());
    });
  }

  private Future<Integer> attemptAll(List<OutboxEvent> events) {
    return Future.join(events.stream().map(this::attempt).toList()).map(all -> events.size());
  }

  /** Never fails: one event's trouble must not hold up the rest of the batch. */
  private Future<Void> attempt(OutboxEvent event) {
    return sender.send(event)
        .compose(result -> result.delivered() ? recordDelivered(event) : recordFailure(event, result.error()))
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("eventId", event.id())
              .log("could not record a webhook attempt; the event is attempted again when its lease expires");
          return Future.succeededFuture();
        });
  }

  private Future<Void> recordDelivered(OutboxEvent event) {
    return outbox.markDelivered(event).map(latency -> {
      latency.ifPresent(metrics::delivered);
      LOG.atDebug().addKeyValue("eventId", event.id()).addKeyValue("attempts", event.attempts())
          .log("webhook delivered");
      return null;
    });
  }

  private Future<Void> recordFailure(OutboxEvent event, String error) {
    long retryInMs = retries.delayMs(event.attempts());
    return outbox.markFailed(event, error, retryInMs, retryWindow).map(failure -> {
      switch (failure) {
        case RETRY -> {
          metrics.failed();
          LOG.atDebug().addKeyValue("eventId", event.id()).addKeyValue("attempts", event.attempts())
              .addKeyValue("error", error).addKeyValue("retryInMs", retryInMs).log("webhook attempt failed");
        }
        case DEAD -> {
          metrics.dead();
          LOG.atWarn().addKeyValue("eventId", event.id()).addKeyValue("billId", event.billId())
              .addKeyValue("attempts", event.attempts()).addKeyValue("error", error)
              .log("webhook given up after its retry window; POST /v1/events/{id}/redeliver re-queues it");
        }
        case LEASE_LOST -> LOG.atWarn().addKeyValue("eventId", event.id()).log("webhook lease lost during an attempt");
      }
      return null;
    });
  }

  private void refreshDepth() {
    if (depthInFlight) {
      return;
    }
    depthInFlight = true;
    outbox.depth()
        .onSuccess(metrics::depth)
        .onFailure(failure -> LOG.atDebug().setCause(failure).log("outbox depth not refreshed"))
        .onComplete(done -> depthInFlight = false);
  }
}
