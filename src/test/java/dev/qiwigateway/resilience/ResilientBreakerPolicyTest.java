package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.qiwi.QiwiBill;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.resilience.QiwiUnavailable.Reason;
import dev.qiwigateway.resilience.ScriptedQiwi.Answer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The issue circuit opens on an outage of QIWI, and only then: failures that the in-call retries
 * absorb, one dropped connection, one slow answer, or answers that are not QIWI's format for one
 * request never refuse the next checkout. Played against {@link ScriptedQiwi}, with the production
 * defaults except for short back-off waits.
 */
@ExtendWith(VertxExtension.class)
class ResilientBreakerPolicyTest {

  private static final ResilienceSettings SETTINGS = ResilienceSettings.defaults(30_000, ScriptedQiwi.CLIENT_TIMEOUT_MS)
      .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private Vertx vertx;
  private ScriptedQiwi fake;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void startFakeQiwi(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    registry = new SimpleMeterRegistry();
    ScriptedQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      fake = started;
      ctx.completeNow();
    }));
  }

  private double unavailableCalls() {
    return registry.find(ResilienceMetrics.UNAVAILABLE).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** Runs the calls one after another, each starting when the one before has ended, and collects their outcomes. */
  private static Future<List<Object>> oneAfterAnother(int calls, IntFunction<Future<?>> call) {
    List<Object> outcomes = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < calls; i++) {
      int index = i;
      chain = chain.compose(v -> call.apply(index).transform(outcome -> {
        outcomes.add(outcome.succeeded() ? outcome.result() : outcome.cause());
        return Future.<Void>succeededFuture();
      }));
    }
    return chain.map(v -> outcomes);
  }

  /** One of three kinds of blip, each over once the call retries. */
  private static Answer blip(int call) {
    return switch (call % 3) {
      case 0 -> Answer.HTTP_503;
      case 1 -> Answer.DROP;
      default -> Answer.TOO_SLOW;
    };
  }

  @Test
  @DisplayName("a steady trickle of checkouts, 30% of them meeting a blip their retry absorbs, never opens the issue circuit")
  void absorbedFailuresNeverOpenTheCircuit(VertxTestContext ctx) {
    // Blocks of 17 checkouts: the first 5 of each meet a blip on their first attempt, one more a slow answer.
    fake.follows(ScriptedQiwi.firstRequest(billId -> {
      int call = Integer.parseInt(billId.substring("trickle-".length()));
      return call % 17 < 5 ? blip(call) : call % 17 == 10 ? Answer.SLOW : Answer.BILL;
    }));
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    QiwiClient qiwi = fake.client(guard, registry);
    List<State> statesSeen = new ArrayList<>();
    oneAfterAnother(34, call -> qiwi.issueBill(SandboxQiwi.order("trickle-" + call))
        .onComplete(outcome -> statesSeen.add(guard.circuitState(QiwiOperation.ISSUE_BILL))))
        .onComplete(ctx.succeeding(outcomes -> ctx.verify(() -> {
          assertThat(outcomes).as("every checkout was issued").allSatisfy(outcome ->
              assertThat(outcome).isInstanceOfSatisfying(QiwiBill.class,
                  bill -> assertThat(bill.status()).isEqualTo(BillStatus.WAITING)));
          assertThat(statesSeen).containsOnly(State.CLOSED);
          assertThat(fake.requests()).as("34 checkouts and 10 retries, all at QIWI").isEqualTo(44);
          assertThat(unavailableCalls()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("after a few blips, a dropped connection and a slow answer, the retry with the same bill id still reaches QIWI")
  void retryAfterABlipIsNotRefused(VertxTestContext ctx) {
    fake.follows(ScriptedQiwi.firstRequest(billId -> billId.startsWith("blip-") ? Answer.HTTP_503
        : billId.equals("order-1") ? Answer.DROP : billId.equals("order-2") ? Answer.TOO_SLOW : Answer.BILL));
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    QiwiClient qiwi = fake.client(guard, registry);
    oneAfterAnother(4, call -> qiwi.issueBill(SandboxQiwi.order("blip-" + call)))
        .compose(blips -> qiwi.issueBill(SandboxQiwi.order("order-1")))
        .compose(issued -> qiwi.issueBill(SandboxQiwi.order("order-1")))
        .compose(again -> qiwi.billStatus("order-2"))
        .compose(checked -> qiwi.issueBill(SandboxQiwi.order("order-3")))
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          assertThat(last.status()).isEqualTo(BillStatus.WAITING);
          assertThat(guard.circuitState(QiwiOperation.ISSUE_BILL)).isEqualTo(State.CLOSED);
          assertThat(guard.circuitState(QiwiOperation.BILL_STATUS)).isEqualTo(State.CLOSED);
          assertThat(fake.requests()).as("8 + 2 + 1 + 2 + 1: nothing was refused before QIWI").isEqualTo(14);
          ctx.completeNow();
        })));
  }

  /** Checkouts one after another until one is refused by the open circuit; answers how many reached QIWI before. */
  private Future<Integer> checkoutsUntilRefused(QiwiClient qiwi, String prefix, int atMost) {
    return oneAfterAnother(atMost, call -> qiwi.issueBill(SandboxQiwi.order(prefix + call))).map(outcomes -> {
      for (int i = 0; i < outcomes.size(); i++) {
        if (outcomes.get(i) instanceof QiwiUnavailable refused && refused.reason() == Reason.CIRCUIT_OPEN) {
          return i;
        }
      }
      throw new AssertionError("the circuit never opened: " + outcomes);
    });
  }

  @Test
  @DisplayName("a real outage opens the issue circuit after a few failed checkouts; later ones are refused without reaching QIWI")
  void outageOpensTheCircuit(VertxTestContext ctx) {
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    QiwiClient qiwi = fake.client(guard, registry);
    oneAfterAnother(10, call -> qiwi.issueBill(SandboxQiwi.order("healthy-" + call)))
        .compose(healthy -> {
          fake.always(Answer.HTTP_503);
          return checkoutsUntilRefused(qiwi, "outage-", 20);
        })
        .compose(failedBeforeOpen -> {
          int requestsWhenOpen = fake.requests();
          return qiwi.issueBill(SandboxQiwi.order("outage-late")).transform(refused -> {
            ctx.verify(() -> {
              assertThat(failedBeforeOpen).as("checkouts that failed before the circuit opened").isBetween(1, 5);
              assertThat(refused.cause()).isInstanceOfSatisfying(QiwiUnavailable.class,
                  unavailable -> assertThat(unavailable.reason()).isEqualTo(Reason.CIRCUIT_OPEN));
              assertThat(fake.requests()).as("nothing reaches QIWI while open").isEqualTo(requestsWhenOpen);
              assertThat(guard.circuitState(QiwiOperation.ISSUE_BILL)).isEqualTo(State.OPEN);
            });
            return Future.succeededFuture();
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("once QIWI answers again, the open issue circuit lets trial checkouts through and closes by itself")
  void circuitHealsByItself(VertxTestContext ctx) {
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS.withBreakerOpenWait(Duration.ofMillis(300)),
        registry);
    QiwiClient qiwi = fake.client(guard, registry);
    fake.always(Answer.HTTP_503);
    checkoutsUntilRefused(qiwi, "outage-", 20)
        .compose(opened -> {
          fake.always(Answer.BILL);
          return vertx.timer(500);
        })
        .compose(waited -> oneAfterAnother(4, call -> qiwi.issueBill(SandboxQiwi.order("recovered-" + call))))
        .onComplete(ctx.succeeding(outcomes -> ctx.verify(() -> {
          assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(QiwiBill.class));
          assertThat(guard.circuitState(QiwiOperation.ISSUE_BILL)).isEqualTo(State.CLOSED);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an answer that is not QIWI's format fails that checkout after bounded retries and does not close QIWI for others")
  void foreignAnswersFailTheRequestNotTheCircuit(VertxTestContext ctx) {
    fake.follows((billId, earlier) -> billId.startsWith("odd-") ? Answer.HTML_404 : Answer.BILL);
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    QiwiClient qiwi = fake.client(guard, registry);
    oneAfterAnother(4, call -> qiwi.issueBill(SandboxQiwi.order("odd-" + call)))
        .compose(odd -> {
          ctx.verify(() -> {
            assertThat(odd).as("each fails with its own answer, not as QIWI unavailable").allSatisfy(outcome ->
                assertThat(outcome).isInstanceOf(QiwiException.ProtocolViolation.class));
            assertThat(fake.requests()).as("three attempts each, no more").isEqualTo(12);
          });
          return qiwi.issueBill(SandboxQiwi.order("order-1"));
        })
        .onComplete(ctx.succeeding(issued -> ctx.verify(() -> {
          assertThat(issued.status()).isEqualTo(BillStatus.WAITING);
          assertThat(guard.circuitState(QiwiOperation.ISSUE_BILL)).isEqualTo(State.CLOSED);
          assertThat(unavailableCalls()).isZero();
          ctx.completeNow();
        })));
  }
}
