package dev.qiwigateway.loadtest.replicas;

import java.util.List;

/**
 * The audit: every check against one {@link Snapshot}, in the order of the table, then the report.
 * 0 when every check held, 1 otherwise.
 */
final class Audit {

  private final Options options;
  private final Database database;
  private final Sandbox sandbox;
  private final Ledger ledger;
  private final Journal journal;
  private final Proxy proxy;
  private final WebhookReceiver receiver;

  Audit(Options options, Database database, Sandbox sandbox, Ledger ledger, Journal journal, Proxy proxy,
      WebhookReceiver receiver) {
    this.options = options;
    this.database = database;
    this.sandbox = sandbox;
    this.ledger = ledger;
    this.journal = journal;
    this.proxy = proxy;
    this.receiver = receiver;
  }

  int run() {
    Snapshot snapshot = new Snapshot(database, sandbox, proxy, receiver);
    NotificationChecks notifications = new NotificationChecks(snapshot);
    QiwiAgreementChecks agreement = new QiwiAgreementChecks(snapshot, ledger);
    EventChecks events = new EventChecks(snapshot, ledger);
    ScenarioChecks scenario = new ScenarioChecks(snapshot, ledger, journal);
    List<Check> checks = List.of(
        notifications.acknowledgedRecorded(),
        notifications.acknowledgedApplied(),
        agreement.oneQiwiBillPerCreate(),
        agreement.replaysIdentical(),
        agreement.oneQiwiRefundPerGatewayRefund(),
        events.finalStatusesNeverChanged(),
        events.deliveredAtLeastOnce(),
        events.inOrderPerBill(),
        events.signaturesValid(),
        agreement.refundsNeverAboveBill(),
        scenario.sigtermsClean(),
        scenario.scenarioRan());
    Report report = new Report(options.label(), snapshot, ledger, journal, proxy);
    report.printSummary(scenario.coverage());
    return report.printTable(checks);
  }
}
