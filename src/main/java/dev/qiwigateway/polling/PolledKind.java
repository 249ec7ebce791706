package dev.qiwigateway.polling;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One kind of thing the poller follows (bills, refunds): its store's check leases, the question put to
 * QIWI, the arbiter that records a final answer and the schedule of the next check. Every write is
 * conditional on the claim's lease, so a replica whose lease was taken over can no longer touch the
 * schedule.
 *
 * @param <C> a claim: the leased row's key, what the schedule needs, and the lease it holds
 * @param <A> QIWI's answer
 */
interface PolledKind<C, A> {

  /** The {@code kind} tag of the poller's metrics. */
  String name();

  /** Leases up to {@code limit} due checks that no other replica holds, oldest due first. */
  Future<List<C>> claim(int limit, Duration lease);

  Future<A> ask(C claim);

  boolean isFinal(A answer);

  /** Applies a final answer through the arbiter (the only way a status changes), in {@code tx}; true when it changed. */
  Future<Boolean> applyFinal(SqlClient tx, C claim, A answer);

  /** When to check again, one check later than the claim says. */
  Instant nextCheck(C claim, Instant now);

  /** Records a check: the next one scheduled (none once final), the lease released. */
  Future<Void> finish(SqlClient client, C claim, Instant next, boolean answered);

  /** Gives unchecked claims back as they were, where this replica still holds them. */
  Future<Void> release(List<C> claims);

  /** How far behind the oldest due check is (zero when nothing is due): the poller lag. */
  Future<Duration> lag();

  /** The claim as log lines name it. */
  String describe(C claim);

  /** QIWI answered with a status that is not final yet. */
  default void stillOpen(C claim, Instant now) {
  }
}
