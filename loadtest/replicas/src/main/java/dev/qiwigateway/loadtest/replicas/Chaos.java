package dev.qiwigateway.loadtest.replicas;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The chaos schedule, on its own thread, in seconds from the start of the traffic: sandbox faults (t+8),
 * replica-0 SIGKILLed right after an ack (t+18), replica-1 SIGTERMed (t+42), PostgreSQL restarted (t+62),
 * replica-2 SIGKILLed right after an ack (t+80). Killed and stopped replicas are restarted.
 */
final class Chaos {

  private final Options options;
  private final long start;
  private final Cluster cluster;
  private final Proxy proxy;
  private final Sandbox sandbox;
  private final Driver driver;
  private final Ledger ledger;
  private final Journal journal;
  private final ExecutorService aux;

  Chaos(Options options, long start, Cluster cluster, Proxy proxy, Sandbox sandbox, Driver driver, Ledger ledger,
      Journal journal, ExecutorService aux) {
    this.options = options;
    this.start = start;
    this.cluster = cluster;
    this.proxy = proxy;
    this.sandbox = sandbox;
    this.driver = driver;
    this.ledger = ledger;
    this.journal = journal;
    this.aux = aux;
  }

  void run() {
    try {
      at(8);
      injectFaults();
      at(18);
      killAfterAck(cluster.replicas.get(0));
      at(42);
      terminate(cluster.replicas.get(1));
      at(62);
      restartPostgres();
      at(80);
      killAfterAck(cluster.replicas.get(2));
    } catch (Exception e) {
      journal.chaosFailures.add("chaos schedule aborted: " + e);
      Util.log("chaos schedule aborted: " + e);
    }
  }

  private void at(long second) {
    Util.sleep(TimeUnit.NANOSECONDS.toMillis(start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime()));
  }

  private void note(String what) {
    journal.chaos.add(String.format(Locale.ROOT, "t+%5.1fs %s", (System.nanoTime() - start) / 1e9, what));
    Util.log("chaos: " + what);
  }

  private void injectFaults() {
    List<JsonObject> rules = List.of(
        new JsonObject().put("fault", "duplicates").put("copies", 3).put("count", 40),
        new JsonObject().put("fault", "outOfOrder").put("holdMs", 1500).put("count", 6),
        new JsonObject().put("fault", "latency").put("latencyMs", 2500)
            .put("operations", new JsonArray().add("issue"))
            .put("count", 6),
        new JsonObject().put("fault", "drop").put("applied", true).put("operations", new JsonArray().add("issue"))
            .put("count", 4),
        new JsonObject().put("fault", "http5xx").put("status", 503).put("applied", true)
            .put("operations", new JsonArray().add("refund")).put("count", 4),
        new JsonObject().put("fault", "drop").put("applied", true).put("operations", new JsonArray().add("cancel"))
            .put("count", 2));
    for (JsonObject rule : rules) {
      Answer added = sandbox.addFault(rule);
      if (added.status() != 201) {
        journal.chaosFailures.add("sandbox refused fault " + rule.encode() + ": " + added.status() + " " + added.body());
      }
    }
    note("sandbox faults on: duplicate and out-of-order notifications, slow and lost issue answers, "
        + "lost refund and cancel answers");
  }

  /** SIGKILL a replica the moment it has acknowledged a notification, with a burst of copies in flight. */
  private void killAfterAck(Child victim) throws Exception {
    CompletableFuture<Long> fired = proxy.killOnNextAck(victim);
    burstOfCopies();
    Long ackSeq;
    try {
      ackSeq = fired.get(20, TimeUnit.SECONDS);
    } catch (TimeoutException none) {
      proxy.disarm();
      journal.chaosFailures.add(victim.name + ": no acknowledged notification within 20 s; killed without one");
      ackSeq = null;
    }
    victim.sigkill();
    note("SIGKILL " + victim.name + (ackSeq == null ? "" : " right after it acknowledged notification #" + ackSeq)
        + " (exit " + victim.process.exitValue() + ")");
    Util.sleep(1500);
    restart(victim);
  }

  /** Copies of notifications of bills already final: legitimate duplicates that keep every replica acking. */
  private void burstOfCopies() {
    List<BillSeen> finals = new ArrayList<>();
    for (Map.Entry<String, Set<String>> seen : ledger.finalsSeen.entrySet()) {
      BillSeen bill = ledger.bills.get(seen.getKey());
      if (bill != null && seen.getValue().size() == 1) {
        finals.add(bill);
      }
    }
    Collections.shuffle(finals);
    for (BillSeen bill : finals.subList(0, Math.min(30, finals.size()))) {
      String status = ledger.finalsSeen.get(bill.billId).iterator().next();
      aux.submit(() -> driver.notifyCopy(bill, status));
    }
    ledger.count("burst copies sent", Math.min(30, finals.size()));
  }

  private void terminate(Child victim) throws Exception {
    long begun = System.nanoTime();
    Integer exit = victim.sigterm(Duration.ofSeconds(20));
    double took = (System.nanoTime() - begun) / 1e9;
    journal.sigterm(victim.name + " SIGTERM during traffic: "
        + (exit == null ? "did not exit within 20 s" : "exit " + exit)
        + String.format(Locale.ROOT, " in %.1f s", took), exit);
    victim.routable = false;
    note("SIGTERM " + victim.name + ": " + (exit == null ? "no exit" : "exit " + exit)
        + String.format(Locale.ROOT, " after %.1f s", took));
    Util.sleep(1000);
    restart(victim);
  }

  private void restart(Child victim) {
    long begun = System.nanoTime();
    try {
      cluster.startReplica(victim);
      note(String.format(Locale.ROOT, "restarted %s, ready after %.1f s", victim.name,
          (System.nanoTime() - begun) / 1e9));
    } catch (RuntimeException e) {
      journal.chaosFailures.add("restart of " + victim.name + " failed: " + e.getMessage());
      note("restart of " + victim.name + " FAILED: " + e.getMessage());
    }
  }

  /** pg_local_restart of the throwaway cluster (loadtest/lib/local-postgres.sh): a fast shutdown, then a start. */
  private void restartPostgres() throws Exception {
    long begun = System.nanoTime();
    long firstNotification = proxy.lastSeq() + 1;
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", "source \"$1\" && pg_local_restart \"$2\"",
        "pg-restart", options.pgLib().toString(), options.pgDir().toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(options.work().resolve("logs/pg-restart.log").toFile()));
    int exit = builder.start().waitFor();
    if (exit != 0) {
      journal.chaosFailures.add("pg_local_restart exited " + exit);
    }
    note(String.format(Locale.ROOT, "PostgreSQL restarted (pg_local_restart exit %d, %.1f s; notifications #%d..#%d "
        + "answered meanwhile)", exit, (System.nanoTime() - begun) / 1e9, firstNotification, proxy.lastSeq()));
  }
}
