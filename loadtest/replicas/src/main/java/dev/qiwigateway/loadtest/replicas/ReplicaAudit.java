package dev.qiwigateway.loadtest.replicas;

/**
 * The multi-replica proof (issue 5 item 3), driven by loadtest/replicas/run.sh. Starts the standalone
 * QIWI sandbox and three gateway replicas (prod profile) on one PostgreSQL, puts a round-robin HTTP proxy
 * in front of them (the merchant traffic and the sandbox's notifications both go through it), receives
 * the webhooks, drives mixed traffic while replicas are SIGKILLed and SIGTERMed and PostgreSQL restarts,
 * waits for quiescence and audits what every party recorded. Exit 0: every check passed; 1: a
 * violation; 2: the scenario itself could not run.
 *
 * <p>An independent checker: it knows the gateway only through its jar (started as child processes),
 * its HTTP interfaces and its database, and signs notifications and verifies webhooks with its own code.
 * Flows are plain blocking code on their own threads; only the proxy and the receiver run on Vert.x.
 *
 * <p>Where things are: {@link Scenario} (the run, start to audit), {@link Cluster} and {@link Child}
 * (child processes), {@link Proxy}, {@link WebhookReceiver}, {@link Traffic} and {@link Driver} (the
 * flows and their calls), {@link Chaos}, {@link Quiescence}, {@link Audit} and its checks, {@link Report}.
 */
public final class ReplicaAudit {

  private ReplicaAudit() {
  }

  public static void main(String[] args) {
    int exit;
    try {
      // A signer that disagrees with the published vectors would fail the audit for the wrong reason.
      QiwiNotification.selfCheck();
      WebhookSignature.selfCheck();
      exit = new Scenario(Options.parse(args)).run();
    } catch (Exception e) {
      Util.log("scenario failed: " + e);
      e.printStackTrace(System.out);
      exit = 2;
    }
    System.out.flush();
    System.exit(exit);
  }
}
