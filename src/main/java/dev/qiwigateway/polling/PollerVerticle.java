package dev.qiwigateway.polling;

import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.config.PollerSettings;
import dev.qiwigateway.polling.KindPoller.PollerMetrics;
import dev.qiwigateway.polling.PolledKind.BillPolls;
import dev.qiwigateway.polling.PolledKind.RefundPolls;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.work.PeriodicTask;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;

/**
 * The status poller of one replica (docs/architecture.md#the-status-poller): bills QIWI still calls waiting and refunds it
 * still calls processing are checked on a back-off schedule, so that they reach their final status
 * even when no notification arrives. Deploy one instance per replica; replicas share the work through
 * leases in PostgreSQL and never check the same bill at once.
 *
 * <p>Rounds never overlap: the next is scheduled {@code POLL_INTERVAL_MS} after the previous one has
 * finished, however long it took. A round checks due bills, then due refunds, each kind refreshing its
 * lag gauge first.
 */
public final class PollerVerticle extends VerticleBase {

  private final PollerSettings settings;
  private final List<KindPoller<?, ?>> pollers;
  private PeriodicTask rounds;

  public PollerVerticle(PollerSettings settings, Pool pool, BillStore billStore, RefundLedger refundLedger,
      QiwiClient qiwi, MeterRegistry registry) {
    this(settings, pool, billStore, refundLedger, qiwi, registry, Clock.systemUTC());
  }

  PollerVerticle(PollerSettings settings, Pool pool, BillStore billStore, RefundLedger refundLedger, QiwiClient qiwi,
      MeterRegistry registry, Clock clock) {
    this.settings = settings;
    PollSchedule billSchedule = new PollSchedule(settings.billFirstDelay(), settings.billMaxInterval(),
        settings.billExpiryGrace());
    PollSchedule refundSchedule = PollSchedule.openEnded(settings.refundFirstDelay(), settings.refundMaxInterval());
    BillPolls bills = new BillPolls(billStore, qiwi, billSchedule);
    RefundPolls refunds = new RefundPolls(refundLedger, qiwi, refundSchedule);
    PollerMetrics metrics = new PollerMetrics(registry, List.of(bills.name(), refunds.name()));
    this.pollers = List.of(new KindPoller<>(bills, pool, settings, metrics, clock),
        new KindPoller<>(refunds, pool, settings, metrics, clock));
  }

  @Override
  public Future<?> start() {
    rounds = PeriodicTask.every(vertx, "status-poller", settings.interval(), this::round);
    rounds.start();
    return Future.succeededFuture();
  }

  /** Lets the round in progress finish its checks in flight and give back the claims it has not checked. */
  @Override
  public Future<?> stop() {
    return Future.join(rounds.stop(), Future.join(pollers.stream().map(KindPoller::stop).toList()));
  }

  /** A kind's round never fails, so the chain always reaches the next kind and the next schedule. */
  private Future<?> round() {
    Future<?> chain = Future.succeededFuture();
    for (KindPoller<?, ?> poller : pollers) {
      chain = chain.compose(previous -> poller.round());
    }
    return chain;
  }
}
