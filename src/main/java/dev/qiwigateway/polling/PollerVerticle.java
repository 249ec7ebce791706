package dev.qiwigateway.polling;

import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.qiwi.QiwiClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import dev.qiwigateway.config.PollerSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.List;

/**
 * The status poller of one replica (design.md §1, §5): bills QIWI still calls waiting and refunds it
 * still calls processing are checked on a back-off schedule, so that they reach their final status
 * even when no notification arrives. Deploy one instance per replica; replicas share the work through
 * leases in PostgreSQL and never check the same bill at once.
 *
 * <p>Rounds never overlap: the next is scheduled {@code POLL_INTERVAL_MS} after the previous one has
 * finished, however long it took. A round refreshes the lag gauges, then checks due bills, then due
 * refunds.
 */
public final class PollerVerticle extends VerticleBase {

  private final PollerSettings settings;
  private final List<KindPoller<?, ?>> pollers;
  private boolean running;
  private long timerId = -1;
  private Future<Void> round = Future.succeededFuture();

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
    BillPolls bills = new BillPolls(pool, billStore, qiwi, billSchedule, clock);
    RefundPolls refunds = new RefundPolls(pool, refundLedger, qiwi, refundSchedule, clock);
    PollerMetrics metrics = new PollerMetrics(registry, List.of(bills.name(), refunds.name()));
    this.pollers = List.of(poller(bills, metrics), poller(refunds, metrics));
  }

  private <C, A> KindPoller<C, A> poller(PolledKind<C, A> kind, PollerMetrics metrics) {
    return new KindPoller<>(kind, settings.batch(), settings.concurrency(), settings.lease(), metrics);
  }

  @Override
  public Future<?> start() {
    running = true;
    scheduleNextRound();
    return Future.succeededFuture();
  }

  /** Lets the round in progress finish its checks in flight and give back the claims it has not checked. */
  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(timerId);
    pollers.forEach(KindPoller::stop);
    return round;
  }

  private void scheduleNextRound() {
    if (running) {
      timerId = vertx.setTimer(settings.interval().toMillis(), id -> runRound());
    }
  }

  /** Neither the lag refresh nor a kind's round ever fails, so the chain always reaches the next schedule. */
  private void runRound() {
    Future<Void> chain = Future.join(pollers.stream().map(KindPoller::refreshLag).toList()).mapEmpty();
    for (KindPoller<?, ?> poller : pollers) {
      chain = chain.compose(previous -> poller.round());
    }
    round = chain.onComplete(done -> scheduleNextRound());
  }
}
