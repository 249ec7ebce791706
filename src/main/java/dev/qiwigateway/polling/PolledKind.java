package dev.qiwigateway.polling;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * One kind of thing the poller follows (bills, refunds): how it is claimed, how QIWI is asked about it
 * and how the answer is recorded. Every method that writes is conditional on the claim's lease, so a
 * replica whose lease was taken over can no longer touch the schedule.
 *
 * @param <C> a claim: the leased row's key, what the schedule needs, and the lease it holds
 * @param <A> QIWI's answer
 */
interface PolledKind<C, A> {

  /** The {@code kind} tag of the poller's metrics. */
  String name();

  /** Leases up to {@code limit} due rows that no other replica holds, oldest due first. */
  Future<List<C>> claim(int limit, Duration lease);

  Future<A> ask(C claim);

  /**
   * Records QIWI's answer: a final status through the arbiter (the only way a status changes), then
   * the next check, and the lease released, in one transaction. True when the status changed.
   */
  Future<Boolean> record(C claim, A answer);

  /** Records a check that learned nothing: the next check (backed off) and the lease released. */
  Future<Void> backOff(C claim);

  /** Gives unpolled claims back as they were, where this replica still holds them. */
  Future<Void> release(List<C> claims);

  /** How far behind the oldest due check is (zero when nothing is due): the poller lag. */
  Future<Duration> lag();

  /** The claim as log lines name it. */
  String describe(C claim);
}
