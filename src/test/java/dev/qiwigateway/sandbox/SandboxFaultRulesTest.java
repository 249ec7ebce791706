package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fault rules from the admin API's JSON become typed faults once, with QIWI-like defaults")
class SandboxFaultRulesTest {

  @Test
  @DisplayName("each kind of fault is read into its record, with the defaults the admin API documents")
  void kinds() {
    assertThat(FaultJson.parse(new JsonObject().put("fault", "latency").put("latencyMs", 250)).fault())
        .isEqualTo(new Fault.Latency(Duration.ofMillis(250)));
    assertThat(FaultJson.parse(new JsonObject().put("fault", "hang")).fault()).isEqualTo(new Fault.Hang(false));
    assertThat(FaultJson.parse(new JsonObject().put("fault", "drop").put("applied", true)).fault())
        .isEqualTo(new Fault.Drop(true));
    assertThat(FaultJson.parse(new JsonObject().put("fault", "http5xx")).fault())
        .isEqualTo(new Fault.HttpStatus(503, false));
    assertThat(FaultJson.parse(new JsonObject().put("fault", "result").put("resultCode", 300)).fault())
        .isEqualTo(new Fault.ResultCode(300));
    assertThat(FaultJson.parse(new JsonObject().put("fault", "duplicates")).fault()).isEqualTo(new Fault.Duplicates(2));
    assertThat(FaultJson.parse(new JsonObject().put("fault", "outOfOrder")).fault())
        .isEqualTo(new Fault.OutOfOrder(Duration.ofMillis(500)));
  }

  @Test
  @DisplayName("the scope is read too: operations, dialect and count; none of them means every request, until cleared")
  void scope() {
    FaultRule.Definition scoped = FaultJson.parse(new JsonObject().put("fault", "hang").put("count", 2)
        .put("dialect", "pull-v2").put("operations", new JsonArray().add("refund").add("issue")));
    assertThat(scoped.operations()).containsExactlyInAnyOrder(Operation.ISSUE, Operation.REFUND);
    assertThat(scoped.dialect()).hasValue(Dialect.PULL_V2);
    assertThat(scoped.count()).hasValue(2);
    FaultRule.Definition everywhere = FaultJson.parse(new JsonObject().put("fault", "hang"));
    assertThat(everywhere.operations()).isEmpty();
    assertThat(everywhere.dialect()).isEmpty();
    assertThat(everywhere.count()).isEmpty();
  }

  @Test
  @DisplayName("a rule is listed in the same JSON shape it was posted in, with its id and firing count")
  void listed() {
    FaultRule rule = new FaultRule(7, new FaultRule.Definition(new Fault.HttpStatus(502, true),
        Set.of(Operation.REFUND), Optional.of(Dialect.REST_V3), OptionalInt.of(1)));
    rule.fire();
    assertThat(FaultJson.toJson(rule)).isEqualTo(new JsonObject().put("id", 7).put("fault", "http5xx")
        .put("operations", new JsonArray().add("refund")).put("dialect", "rest-v3").put("count", 1)
        .put("fired", 1).put("active", false).put("status", 502).put("applied", true));
  }

  @Test
  @DisplayName("a fault that could never fire is refused by its record, whoever builds it")
  void recordsRefuseNonsense() {
    assertThatThrownBy(() -> new Fault.HttpStatus(404, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Fault.ResultCode(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Fault.ResultCode(12345)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Fault.Duplicates(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Fault.Latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Fault.OutOfOrder(Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FaultRule.Definition(new Fault.Duplicates(3), Set.of(Operation.ISSUE),
        Optional.empty(), OptionalInt.empty())).isInstanceOf(IllegalArgumentException.class);
  }
}
