package dev.qiwigateway.loadtest.replicas;

import java.util.ArrayList;
import java.util.List;

/** One line of the audit table: how many things it examined and what violated it. */
final class Check {

  final String name;
  int examined;
  final List<String> violations = new ArrayList<>();

  Check(String name) {
    this.name = name;
  }

  void violation(String detail) {
    violations.add(detail);
  }

  boolean passed() {
    return violations.isEmpty();
  }
}
