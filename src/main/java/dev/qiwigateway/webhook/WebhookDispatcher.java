package dev.qiwigateway.webhook;

import dev.qiwigateway.config.WebhookSettings;
import dev.qiwigateway.ops.WarnBudget;
import dev.qiwigateway.work.FullJitterBackoff;
import dev.qiwigateway.work.LeasedWork;
import dev.qiwigateway.work.LeasedWork.Handled;
import dev.qiwigateway.work.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to the marketplace: leases due events in batches, POSTs each, records the
 * outcome. Every replica runs one; leases keep them from attempting an event at the same time, so a
 * receiver that always answers 2xx gets each event once. A batch holds at most one event per bill
 * (see {@link WebhookOutbox}), so a bill's events go out one after another, in order, and every event of
 * a batch may be attempted at once.
 *
 * <p>Rounds never overlap: the next one is scheduled when the previous has settled, at once if it found
 * work (the next event of a bill may just have become due), else after the poll period.
 */
public final class WebhookDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final WebhookOutbox outbox;
  private final WebhookSender sender;
  private final WebhookMetrics metrics;
  private final FullJitterBackoff retries;
  private final Duration retryWindow;
  private final LeasedWork<WebhookOutbox.Event> deliveries;
  private final PeriodicTask rounds;
  private final PeriodicTask depthRefresh;
  /** The error names a status or a failure category, never the URL or its credentials. */
  private final WarnBudget failureWarnings = new WarnBudget(Duration.ofMinutes(1), 10, System::currentTimeMillis);

  WebhookDispatcher(Vertx vertx, WebhookOutbox outbox, WebhookSender sender, WebhookMetrics metrics,
      WebhookSettings settings) {
    this.outbox = outbox;
    this.sender = sender;
    this.metrics = metrics;
    this.retries = new FullJitterBackoff(settings.retryBase(), settings.retryMax());
    this.retryWindow = settings.retryWindow();
    // Long enough that only a dead replica loses its lease: every attempt ends within the timeout.
    Duration leaseFor = settings.timeout().multipliedBy(2).plusSeconds(30);
    // Only a stopping dispatcher leaves events unattempted (a whole batch starts at once), and a stopping
    // dispatcher gives back every lease it holds anyway.
    this.deliveries = new LeasedWork<>("webhook-delivery", settings.batch(), settings.batch(),
        limit -> outbox.lease(limit, leaseFor), this::attempt, unattempted -> outbox.releaseAll());
    this.rounds = PeriodicTask.untilIdle(vertx, "webhook-dispatcher", settings.pollPeriod(),
        () -> deliveries.round().map(LeasedWork.Round::foundWork));
    // Ten polls, at least a second: 5 s with the default poll period.
    Duration depthPeriod = Duration.ofMillis(Math.max(1000, settings.pollPeriod().toMillis() * 10));
    this.depthRefresh = PeriodicTask.every(vertx, "webhook-outbox-depth", depthPeriod, this::refreshDepth);
  }

  /** Call on the event loop that should run the dispatcher (the owning verticle's). */
  void start() {
    depthRefresh.startNow();
    rounds.startNow();
  }

  /**
   * Stops leasing; completes once the attempts in flight have been recorded and any lease still held
   * (an outcome that could not be written) has been released for the other replicas.
   */
  Future<Void> stop() {
    return Future.join(rounds.stop(), deliveries.stop(), depthRefresh.stop())
        .transform(done -> outbox.releaseAll())
        .onSuccess(released -> {
          if (released > 0) {
            LOG.atInfo().addKeyValue("released", released).log("released webhook leases on shutdown");
          }
        })
        .transform(done -> Future.<Void>succeededFuture());
  }

  /** Never fails: one event's trouble must not hold up the rest of the batch. */
  private Future<Handled> attempt(WebhookOutbox.Event event) {
    return sender.send(event)
        .compose(result -> result.delivered() ? recordDelivered(event) : recordFailure(event, result.error()))
        .map(Handled.FINISHED)
        .recover(failure -> {
          LOG.atWarn().setCause(failure).addKeyValue("eventId", event.id())
              .log("could not record a webhook attempt; the event is attempted again when its lease expires");
          return Future.succeededFuture(Handled.UNFINISHED);
        });
  }

  private Future<Void> recordDelivered(WebhookOutbox.Event event) {
    return outbox.markDelivered(event).map(latency -> {
      latency.ifPresent(metrics::delivered);
      LOG.atDebug().addKeyValue("eventId", event.id()).addKeyValue("attempts", event.attempts())
          .log("webhook delivered");
      return null;
    });
  }

  private Future<Void> recordFailure(WebhookOutbox.Event event, String error) {
    long retryInMs = retries.delayMs(event.attempts());
    return outbox.markFailed(event, error, retryInMs, retryWindow).map(failure -> {
      switch (failure) {
        case RETRY -> {
          metrics.failed();
          failureWarnings.take().ifPresent(heldBack -> LOG.atWarn().addKeyValue("eventId", event.id())
              .addKeyValue("attempt", event.attempts()).addKeyValue("error", error).addKeyValue("retryInMs", retryInMs)
              .addKeyValue("warningsHeldBack", heldBack).log("webhook attempt failed; it is retried later"));
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

  /** Never fails: a missed refresh leaves the gauge at its last value until the next one. */
  private Future<Void> refreshDepth() {
    return outbox.depth()
        .onSuccess(metrics::depth)
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.atDebug().setCause(failure).log("outbox depth not refreshed");
          return Future.succeededFuture();
        });
  }
}
