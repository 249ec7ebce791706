package dev.qiwigateway.webhook;

import dev.qiwigateway.config.WebhookSettings;
import dev.qiwigateway.ops.WarnBudget;
import dev.qiwigateway.work.LeasedWork;
import dev.qiwigateway.work.LeasedWork.Handled;
import dev.qiwigateway.work.PeriodicTask;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook delivery of one gateway instance (deployed only when WEBHOOK_URL is set): delivers the outbox to
 * the marketplace, with an HTTP client of its own so that a slow marketplace cannot starve the calls to QIWI.
 * It leases due events in batches, POSTs each, records the outcome. Every replica runs one; leases keep them
 * from attempting an event at the same time, so a receiver that always answers 2xx gets each event once. A
 * batch holds at most one event per bill (see {@link WebhookOutbox}), so a bill's events go out one after
 * another, in order, and every event of a batch may be attempted at once.
 *
 * <p>Rounds never overlap: the next one is scheduled when the previous has settled, at once if it found
 * work (the next event of a bill may just have become due), else after the poll period.
 */
public final class WebhookDispatcher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final WebhookSettings settings;
  private final Pool pool;
  private final MeterRegistry registry;
  private final PeriodicTask.Backoff retries;
  /** The error names a status or a failure category, never the URL or its credentials. */
  private final WarnBudget failureWarnings = new WarnBudget(Duration.ofMinutes(1), 10, System::currentTimeMillis);
  private WebClient web;
  private WebhookOutbox outbox;
  private WebhookSender sender;
  private Metrics metrics;
  private LeasedWork<WebhookOutbox.Event> deliveries;
  private PeriodicTask rounds;
  private PeriodicTask depthRefresh;

  public WebhookDispatcher(WebhookSettings settings, Pool pool, MeterRegistry registry) {
    this.settings = settings;
    this.pool = pool;
    this.registry = registry;
    this.retries = new PeriodicTask.Backoff(settings.retryBase(), settings.retryMax());
  }

  @Override
  public Future<?> start() {
    web = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("qiwi-gateway-webhooks")
        .setKeepAlive(true)
        .setFollowRedirects(false)
        .setConnectTimeout((int) Math.min(settings.timeout().toMillis(), Integer.MAX_VALUE)));
    sender = new WebhookSender(web, WebhookSender.Endpoint.of(settings.url()),
        new WebhookSender.Signature(settings.signingKey()), settings.timeout());
    outbox = new WebhookOutbox(pool, UUID.randomUUID());
    metrics = new Metrics(registry);
    // Long enough that only a dead replica loses its lease: every attempt ends within the timeout.
    Duration leaseFor = settings.timeout().multipliedBy(2).plusSeconds(30);
    // Only a stopping dispatcher leaves events unattempted (a whole batch starts at once), and a stopping
    // dispatcher gives back every lease it holds anyway.
    deliveries = new LeasedWork<>("webhook-delivery", settings.batch(), settings.batch(),
        limit -> outbox.lease(limit, leaseFor), this::attempt, unattempted -> outbox.releaseAll());
    rounds = PeriodicTask.untilIdle(vertx, "webhook-dispatcher", settings.pollPeriod(),
        () -> deliveries.round().map(LeasedWork.Round::foundWork));
    // Ten polls, at least a second: 5 s with the default poll period.
    Duration depthPeriod = Duration.ofMillis(Math.max(1000, settings.pollPeriod().toMillis() * 10));
    depthRefresh = PeriodicTask.every(vertx, "webhook-outbox-depth", depthPeriod, this::refreshDepth);
    depthRefresh.startNow();
    rounds.startNow();
    return Future.succeededFuture();
  }

  /**
   * Stops leasing; completes once the attempts in flight have been recorded and any lease still held
   * (an outcome that could not be written) has been released for the other replicas, before the pool closes.
   */
  @Override
  public Future<?> stop() {
    return Future.join(rounds.stop(), deliveries.stop(), depthRefresh.stop())
        .transform(done -> outbox.releaseAll())
        .onSuccess(released -> {
          if (released > 0) {
            LOG.atInfo().addKeyValue("released", released).log("released webhook leases on shutdown");
          }
        })
        .transform(done -> Future.<Void>succeededFuture())
        .onComplete(done -> web.close());
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
    return outbox.markFailed(event, error, retryInMs, settings.retryWindow()).map(failure -> {
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

  /**
   * The dispatcher's meters: {@code webhook.outbox.depth} (pending and dead events, refreshed by the
   * dispatcher on its own timer so that a scrape never queries the database),
   * {@code webhook.deliveries} by outcome (delivered, failed = will be retried, dead = given up), and
   * {@code webhook.delivery.latency}, the time from an event's commit to its delivery.
   */
  static final class Metrics {

    static final String DEPTH = "webhook.outbox.depth";
    static final String DELIVERIES = "webhook.deliveries";
    static final String LATENCY = "webhook.delivery.latency";

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24)};

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final Counter delivered;
    private final Counter failed;
    private final Counter givenUp;
    private final Timer latency;

    Metrics(MeterRegistry registry) {
      Gauge.builder(DEPTH, pending, AtomicLong::get).description("Events in the outbox by delivery state")
          .tag("state", "pending").register(registry);
      Gauge.builder(DEPTH, dead, AtomicLong::get).description("Events in the outbox by delivery state")
          .tag("state", "dead").register(registry);
      delivered = outcome(registry, "delivered");
      failed = outcome(registry, "failed");
      givenUp = outcome(registry, "dead");
      latency = Timer.builder(LATENCY).description("Time from an event's commit to its webhook delivery")
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
      return Counter.builder(DELIVERIES).description("Webhook delivery attempts by outcome")
          .tag("outcome", outcome).register(registry);
    }

    void depth(WebhookOutbox.Depth depth) {
      pending.set(depth.pending());
      dead.set(depth.dead());
    }

    void delivered(Duration sinceCommit) {
      delivered.increment();
      latency.record(sinceCommit);
    }

    void failed() {
      failed.increment();
    }

    void dead() {
      givenUp.increment();
    }
  }
}
