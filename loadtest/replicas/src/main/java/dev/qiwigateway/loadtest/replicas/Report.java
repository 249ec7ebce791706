package dev.qiwigateway.loadtest.replicas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Prints what the scenario did, then the audit table, the violations and the verdict line. */
final class Report {

  private static final int VIOLATIONS_SHOWN = 12;

  private final String label;
  private final Snapshot snapshot;
  private final Ledger ledger;
  private final Journal journal;
  private final Proxy proxy;

  Report(String label, Snapshot snapshot, Ledger ledger, Journal journal, Proxy proxy) {
    this.label = label;
    this.snapshot = snapshot;
    this.ledger = ledger;
    this.journal = journal;
    this.proxy = proxy;
  }

  void printSummary(Map<String, Long> coverage) {
    System.out.println();
    System.out.println("== scenario (" + label + ") ==");
    journal.chaos.forEach(line -> System.out.println("  chaos   " + line));
    journal.sigterms.forEach(line -> System.out.println("  stop    " + line));
    System.out.println("  quiet   " + journal.quiescence);
    StringBuilder counts = new StringBuilder();
    coverage.forEach((what, count) -> counts.append(what).append('=').append(count).append("; "));
    System.out.println("  counts  " + counts.toString().trim());
    Map<String, Integer> answers = new TreeMap<>();
    ledger.stats.forEach((name, count) -> answers.put(name, count.get()));
    System.out.println("  driver  " + answers);
    Map<String, Integer> proxied = new TreeMap<>();
    proxy.answers.forEach((status, count) -> proxied.put(status, count.get()));
    System.out.println("  proxy   answers by status " + proxied + ", notifications " + snapshot.exchanges.size());
    Map<String, Long> verdicts = new TreeMap<>();
    snapshot.inboxByBody.values().stream().flatMap(List::stream)
        .forEach(r -> verdicts.merge(r.getString("verdict"), 1L, Long::sum));
    System.out.println("  inbox   " + verdicts + "; gateway bills " + snapshot.dbBills.size() + ", refunds "
        + snapshot.dbRefunds.values().stream().mapToInt(List::size).sum() + ", events " + snapshot.dbEvents.size()
        + "; webhook requests " + snapshot.deliveries.size());
  }

  /** The table and the verdict: 0 when every check held, 1 otherwise. */
  int printTable(List<Check> checks) {
    System.out.println();
    System.out.println("== audit (" + label + ") ==");
    String format = "%-46s %9s %11s%n";
    System.out.printf(Locale.ROOT, format, "check", "examined", "violations");
    System.out.printf(Locale.ROOT, format, "-".repeat(46), "-".repeat(9), "-".repeat(11));
    List<String> failed = new ArrayList<>();
    for (Check check : checks) {
      System.out.printf(Locale.ROOT, format, check.name, check.examined, check.violations.size());
      if (!check.passed()) {
        failed.add(check.name);
      }
    }
    for (Check check : checks) {
      if (check.passed()) {
        continue;
      }
      System.out.println();
      System.out.println("violations of '" + check.name + "' (" + check.violations.size() + "):");
      check.violations.stream().limit(VIOLATIONS_SHOWN).forEach(v -> System.out.println("  - " + v));
      if (check.violations.size() > VIOLATIONS_SHOWN) {
        System.out.println("  ... " + (check.violations.size() - VIOLATIONS_SHOWN) + " more");
      }
    }
    System.out.println();
    if (failed.isEmpty()) {
      System.out.println("AUDIT PASSED: every check held");
      return 0;
    }
    System.out.println("AUDIT FAILED: " + String.join("; ", failed));
    return 1;
  }
}
