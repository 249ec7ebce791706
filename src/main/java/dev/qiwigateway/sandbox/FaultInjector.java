package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The active fault rules. A request or notification takes at most one rule of a kind family, the
 * oldest that still matches, and that rule counts one firing; spent rules stay listed with their
 * count so a test can see exactly how often each fired.
 */
final class FaultInjector {

  /**
   * A fault that has just fired.
   *
   * @param spent whether that was the rule's last firing
   */
  record Fired<F extends Fault>(F fault, boolean spent) {
  }

  private final List<FaultRule> rules = new ArrayList<>();
  private int nextId = 1;

  /** Ids are never reused within a run, not even after a clear, so an old id cannot hit a new rule. */
  FaultRule add(FaultRule.Definition definition) {
    FaultRule rule = new FaultRule(nextId++, definition);
    rules.add(rule);
    return rule;
  }

  /** The API fault that this request triggers, if any. */
  Optional<Fired<Fault.ApiFault>> takeApiFault(Operation operation, Dialect dialect) {
    return take(Fault.ApiFault.class, rule -> rule.matches(operation, dialect));
  }

  /** A notification fault of one kind for a notification in this dialect, if any. */
  <F extends Fault.NotificationFault> Optional<Fired<F>> takeNotificationFault(Class<F> kind, Dialect dialect) {
    return take(kind, rule -> rule.matches(null, dialect));
  }

  private <F extends Fault> Optional<Fired<F>> take(Class<F> kind, Predicate<FaultRule> applies) {
    for (FaultRule rule : rules) {
      if (kind.isInstance(rule.fault()) && applies.test(rule)) {
        rule.fire();
        return Optional.of(new Fired<>(kind.cast(rule.fault()), !rule.active()));
      }
    }
    return Optional.empty();
  }

  List<FaultRule> rules() {
    return List.copyOf(rules);
  }

  boolean remove(int id) {
    return rules.removeIf(rule -> rule.id() == id);
  }

  void clear() {
    rules.clear();
  }
}
