package dev.qiwigateway.polling;

/** How one status check ended: the {@code outcome} tag of {@code qiwi.poller.polls}. */
enum PollOutcome {
  /** QIWI reported a final status and the arbiter recorded it (with its event). */
  CHANGED("changed"),
  /** QIWI answered, nothing changed: still waiting/processing, or already final here. */
  UNCHANGED("unchanged"),
  /** QIWI refused the check with a final result code (210: it does not know the bill). */
  REJECTED("rejected"),
  /** QIWI gave no usable answer after every attempt the resilience guard allows. */
  UNAVAILABLE("unavailable"),
  /** Anything else: a malformed answer, or the database failing to record the check. */
  FAILED("failed"),
  /** Not asked: the circuit or the account's limits refused the call; the claim was given back. */
  DEFERRED("deferred");

  private final String metricName;

  PollOutcome(String metricName) {
    this.metricName = metricName;
  }

  String metricName() {
    return metricName;
  }
}
