package dev.qiwigateway.loadtest.replicas;

import java.util.LinkedHashMap;
import java.util.Map;

/** The run itself: clean SIGTERM drains, and a scenario that exercised everything it claims to. */
final class ScenarioChecks {

  private final Snapshot snapshot;
  private final Ledger ledger;
  private final Journal journal;
  private final Map<String, Long> coverage = new LinkedHashMap<>();

  ScenarioChecks(Snapshot snapshot, Ledger ledger, Journal journal) {
    this.snapshot = snapshot;
    this.ledger = ledger;
    this.journal = journal;
  }

  /** What the traffic exercised (filled by {@link #scenarioRan()}). */
  Map<String, Long> coverage() {
    return coverage;
  }

  Check sigtermsClean() {
    Check check = new Check("SIGTERM drains, exit 0/143");
    check.examined = journal.sigterms.size();
    journal.sigtermFailures.forEach(check::violation);
    if (journal.sigterms.size() < 4) {
      check.violation("expected 4 SIGTERMs (1 during traffic, 3 at the end), saw " + journal.sigterms.size());
    }
    return check;
  }

  /** The audit must not pass on a run that never exercised what it claims to. */
  Check scenarioRan() {
    Check check = new Check("scenario ran (chaos, quiescence, coverage)");
    journal.chaosFailures.forEach(check::violation);
    if (ledger.stat("flow error") > 0) {
      check.violation(ledger.stat("flow error") + " driver flows failed unexpectedly (see the log above)");
    }
    check.examined++;
    if (!journal.quiescence.startsWith("reached")) {
      check.violation("quiescence " + journal.quiescence);
    }
    long driverAcks = snapshot.exchanges.stream().filter(e -> e.acked() && e.origin().equals("driver")).count();
    long qiwiAcks = snapshot.exchanges.stream().filter(e -> e.acked() && e.origin().equals("sandbox")).count();
    long webhookFailures = snapshot.deliveries.stream().filter(d -> d.answered() == 500).count();
    coverage.put("bills issued", (long) ledger.bills.size());
    coverage.put("create retries", (long) ledger.stat("create retried"));
    coverage.put("creates sent twice at once", (long) ledger.stat("create sent twice at once"));
    coverage.put("QIWI notifications acked", qiwiAcks);
    coverage.put("driver notification copies acked", driverAcks);
    coverage.put("duplicate verdicts", snapshot.verdicts("duplicate"));
    coverage.put("stale verdicts", snapshot.verdicts("stale"));
    coverage.put("refunds accepted", (long) ledger.acceptedRefunds.size());
    coverage.put("refunds refused as exceeding", (long) ledger.stat("refund 422:refund_exceeds_paid"));
    coverage.put("cancels answered 200", (long) ledger.stat("cancel 200"));
    coverage.put("refreshes answered 200", (long) ledger.stat("get bill refresh 200"));
    coverage.put("webhook retries provoked", webhookFailures);
    coverage.forEach((what, count) -> {
      check.examined++;
      if (count == 0) {
        check.violation("scenario never exercised: " + what);
      }
    });
    check.examined += journal.chaos.size();
    if (journal.chaos.stream().filter(l -> l.contains("SIGKILL")).count() < 2
        || journal.chaos.stream().noneMatch(l -> l.contains("PostgreSQL restarted"))
        || journal.chaos.stream().noneMatch(l -> l.contains("SIGTERM"))) {
      check.violation("chaos schedule incomplete: " + journal.chaos);
    }
    return check;
  }
}
