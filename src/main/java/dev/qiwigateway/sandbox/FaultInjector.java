package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The active fault rules. A request or notification takes at most one rule of a kind family, the
 * oldest that still matches, and that rule counts one firing; spent rules stay listed with their
 * count so a test can see exactly how often each fired.
 */
final class FaultInjector {

  private final List<FaultRule> rules = new ArrayList<>();
  private int nextId = 1;

  /** @throws IllegalArgumentException when the rule is malformed */
  FaultRule add(JsonObject json) {
    FaultRule rule = FaultRule.fromJson(nextId, json);
    nextId++;
    rules.add(rule);
    return rule;
  }

  /** The API fault that this request triggers, if any; the rule is counted as fired. */
  Optional<FaultRule> takeApiFault(Operation operation, Dialect dialect) {
    return take(rule -> !rule.kind().forNotifications() && rule.matches(operation, dialect));
  }

  /** A notification fault of the given kind for a notification in this dialect, if any. */
  Optional<FaultRule> takeNotificationFault(FaultRule.Kind kind, Dialect dialect) {
    return take(rule -> rule.kind() == kind && rule.matches(null, dialect));
  }

  private Optional<FaultRule> take(java.util.function.Predicate<FaultRule> applies) {
    Optional<FaultRule> rule = rules.stream().filter(applies).findFirst();
    rule.ifPresent(FaultRule::fire);
    return rule;
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
