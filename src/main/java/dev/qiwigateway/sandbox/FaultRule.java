package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One injected fault as the sandbox holds it: its definition, an id for the admin API, and how often
 * it has fired. Only the firing count changes, on the sandbox's event loop.
 */
final class FaultRule {

  /**
   * A fault and its scope: which operations and dialect it hits (none named: all of them) and how
   * often (the next {@code count} matching requests or notifications, or until cleared).
   */
  record Definition(Fault fault, Set<Operation> operations, Optional<Dialect> dialect, OptionalInt count) {

    Definition {
      Objects.requireNonNull(fault, "fault");
      operations = Set.copyOf(operations);
      Objects.requireNonNull(dialect, "dialect");
      Objects.requireNonNull(count, "count");
      if (fault instanceof Fault.NotificationFault && !operations.isEmpty()) {
        throw new IllegalArgumentException("fault " + fault.kind() + " applies to notifications, not to operations");
      }
      if (count.isPresent() && count.getAsInt() < 1) {
        throw new IllegalArgumentException("'count' must be a positive integer (omit it for until cleared)");
      }
    }
  }

  private final int id;
  private final Definition definition;
  private int fired;

  FaultRule(int id, Definition definition) {
    this.id = id;
    this.definition = Objects.requireNonNull(definition, "definition");
  }

  int id() {
    return id;
  }

  Definition definition() {
    return definition;
  }

  Fault fault() {
    return definition.fault();
  }

  int fired() {
    return fired;
  }

  boolean active() {
    OptionalInt count = definition.count();
    return count.isEmpty() || fired < count.getAsInt();
  }

  /** A notification has no operation: pass null, and only the dialect is matched. */
  boolean matches(Operation operation, Dialect requestDialect) {
    Set<Operation> operations = definition.operations();
    return active()
        && (operation == null || operations.isEmpty() || operations.contains(operation))
        && definition.dialect().map(dialect -> dialect == requestDialect).orElse(true);
  }

  /** Counts one firing; the rule goes quiet once it has fired {@code count} times. */
  void fire() {
    fired++;
  }
}
