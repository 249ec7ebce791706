package dev.qiwigateway.loadtest.replicas;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What happened to the scenario itself (chaos, stops, quiescence): the audit checks that it all ran. */
final class Journal {

  /** Each chaos step as it happened, "t+SECONDS what". */
  final List<String> chaos = Collections.synchronizedList(new ArrayList<>());
  /** Chaos steps that did not happen as planned. */
  final List<String> chaosFailures = Collections.synchronizedList(new ArrayList<>());
  /** Every SIGTERM and how the replica exited. */
  final List<String> sigterms = Collections.synchronizedList(new ArrayList<>());
  final List<String> sigtermFailures = Collections.synchronizedList(new ArrayList<>());
  volatile String quiescence = "not reached";

  /** Records a SIGTERM's outcome: a clean drain exits 0 (or 143, the JVM's answer to SIGTERM) in time. */
  void sigterm(String result, Integer exit) {
    sigterms.add(result);
    if (exit == null || (exit != 0 && exit != 143)) {
      sigtermFailures.add(result);
    }
  }
}
