package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.testing.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Retries against the real sandbox: what may be repeated is, exactly as often as allowed; the rest is not. */
@ExtendWith(VertxExtension.class)
class ResilientRetryTest {

  private static final ResilienceSettings SETTINGS = ResilienceSettings.defaults(30_000, SandboxQiwi.CLIENT_TIMEOUT_MS)
      .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private SandboxQiwi sandbox;
  private SimpleMeterRegistry registry;
  private ResilientCallGuard guard;
  private QiwiClient qiwi;

  @BeforeEach
  void startSandbox(Vertx vertx, VertxTestContext ctx) {
    registry = new SimpleMeterRegistry();
    guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    SandboxQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      sandbox = started;
      qiwi = sandbox.client(guard, registry);
      ctx.completeNow();
    }));
  }

  private double retries(QiwiOperation operation) {
    return registry.get(ResilienceMetrics.RETRIES).tag("operation", operation.metricName()).counter().count();
  }

  static Stream<Arguments> transientFaults() {
    return Stream.of(
        arguments("HTTP 503", SandboxQiwi.fault("http5xx", "issue").put("status", 503), false),
        arguments("HTTP 500 after the bill was created",
            SandboxQiwi.fault("http5xx", "issue").put("status", 500).put("applied", true), true),
        arguments("result code 300", SandboxQiwi.fault("result", "issue").put("resultCode", 300), false),
        arguments("result code 13", SandboxQiwi.fault("result", "issue").put("resultCode", 13), false),
        arguments("no answer until the timeout", SandboxQiwi.fault("hang", "issue"), false),
        arguments("no answer, the bill created", SandboxQiwi.fault("hang", "issue").put("applied", true), true),
        arguments("a dropped connection", SandboxQiwi.fault("drop", "issue"), false),
        arguments("a dropped connection, the bill created",
            SandboxQiwi.fault("drop", "issue").put("applied", true), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transientFaults")
  @DisplayName("a bill is issued exactly once although QIWI fails the first two attempts")
  void transientFaultsAreRetried(String failure, JsonObject fault, boolean applied, VertxTestContext ctx) {
    sandbox.addFault(fault.put("count", 2))
        .compose(rule -> qiwi.issueBill(SandboxQiwi.order("order-7001")))
        .compose(bill -> {
          ctx.verify(() -> assertThat(bill.status()).isEqualTo(BillStatus.WAITING));
          return Future.all(sandbox.bills(), sandbox.requests("issue"));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<JsonObject> bills = all.<JsonArray>resultAt(0).stream()
              .map(JsonObject.class::cast).toList();
          assertThat(bills).as("bills at QIWI").hasSize(1);
          assertThat(bills.get(0).getString("billId")).isEqualTo("order-7001");
          // Each attempt that QIWI processed met the same bill again: repeats, not new bills.
          assertThat(bills.get(0).getInteger("issueRequests")).isEqualTo(applied ? 3 : 1);
          assertThat(all.<Long>resultAt(1)).as("issue requests that reached QIWI").isEqualTo(3);
          assertThat(retries(QiwiOperation.ISSUE_BILL)).isEqualTo(2.0);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a repeated bill with another amount is refused with 215 after one attempt, never retried")
  void finalResultCodeIsNotRetried(VertxTestContext ctx) {
    qiwi.issueBill(SandboxQiwi.order("order-7002", "100.00"))
        .compose(first -> qiwi.issueBill(SandboxQiwi.order("order-7002", "100.01")))
        .onComplete(ctx.failing(refused -> ctx.verify(() -> {
          assertThat(refused).isInstanceOfSatisfying(QiwiException.Rejection.class,
              rejection -> assertThat(rejection.resultCode()).isEqualTo(215));
          sandbox.requests("issue").onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
            assertThat(requests).as("issue requests: the first bill and one refused repeat").isEqualTo(2);
            assertThat(retries(QiwiOperation.ISSUE_BILL)).isZero();
            ctx.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("wrong API credentials are refused with 150 once per call and never open the circuit")
  void rejectionsDoNotOpenTheCircuit(VertxTestContext ctx) {
    QiwiCredentials wrong = QiwiCredentials.of(TestSecrets.PRV_ID, TestSecrets.API_ID, "not-the-secret", null);
    QiwiClient misconfigured = sandbox.client(guard, registry, wrong);
    int calls = 12;
    AtomicInteger refused = new AtomicInteger();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < calls; i++) {
      chain = chain.compose(v -> misconfigured.issueBill(SandboxQiwi.order("order-7003"))
          .<Void>map(bill -> {
            throw new AssertionError("wrong credentials were accepted");
          })
          .recover(failure -> {
            if (failure instanceof QiwiException.Rejection rejection && rejection.resultCode() == 150) {
              refused.incrementAndGet();
              return Future.succeededFuture();
            }
            return Future.failedFuture(failure);
          }));
    }
    chain.compose(v -> sandbox.requests("issue"))
        .onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
          assertThat(refused).hasValue(calls);
          assertThat(requests).isEqualTo(calls);
          assertThat(guard.circuitState(QiwiOperation.ISSUE_BILL)).isEqualTo(CircuitBreaker.State.CLOSED);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bad argument reaches the caller as the very same exception after a single attempt")
  void illegalArgumentPassesThrough(VertxTestContext ctx) {
    IllegalArgumentException failed = new IllegalArgumentException("amount has more than two decimals");
    IllegalArgumentException thrown = new IllegalArgumentException("bill_id is too long");
    AtomicInteger attempts = new AtomicInteger();
    guard.<String>call(QiwiOperation.REFUND, () -> {
      attempts.incrementAndGet();
      return Future.failedFuture(failed);
    }).recover(first -> {
      ctx.verify(() -> assertThat(first).isSameAs(failed));
      return guard.<String>call(QiwiOperation.REFUND, () -> {
        attempts.incrementAndGet();
        throw thrown;
      });
    }).onComplete(ctx.failing(second -> ctx.verify(() -> {
      assertThat(second).isSameAs(thrown);
      assertThat(attempts).hasValue(2);
      assertThat(retries(QiwiOperation.REFUND)).isZero();
      assertThat(guard.circuitState(QiwiOperation.REFUND)).isEqualTo(CircuitBreaker.State.CLOSED);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("verticles on different event loops share one guard and each gets its retried answer on its own loop")
  void sharedAcrossEventLoops(Vertx vertx, VertxTestContext ctx) {
    Set<Thread> loops = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    // Two failures for two 3-attempt calls: however they fall, each call still has an attempt left.
    sandbox.addFault(SandboxQiwi.fault("http5xx", "issue").put("count", 2))
        .compose(rule -> vertx.deployVerticle(
            () -> new IssuingVerticle(qiwi, "order-71" + next.incrementAndGet(), loops),
            new DeploymentOptions().setInstances(2)))
        .compose(id -> Future.all(sandbox.bills(), sandbox.requests("issue")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(loops).as("event-loop threads the answers arrived on").hasSize(2);
          assertThat(all.<JsonArray>resultAt(0)).hasSize(2);
          assertThat(all.<Long>resultAt(1)).as("two bills, two failed attempts").isEqualTo(4);
          ctx.completeNow();
        })));
  }

  /** Issues one bill when deployed and insists that the answer comes back on its own context. */
  private static final class IssuingVerticle extends VerticleBase {
    private final QiwiClient qiwi;
    private final String billId;
    private final Set<Thread> loops;

    IssuingVerticle(QiwiClient qiwi, String billId, Set<Thread> loops) {
      this.qiwi = qiwi;
      this.billId = billId;
      this.loops = loops;
    }

    @Override
    public Future<?> start() {
      Context own = context;
      return qiwi.issueBill(SandboxQiwi.order(billId)).map(bill -> {
        if (Vertx.currentContext() != own) {
          throw new AssertionError("the answer for " + billId + " arrived on another context");
        }
        loops.add(Thread.currentThread());
        return bill;
      });
    }
  }
}
