package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.resilience.QiwiUnavailable.Reason;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** The circuit of an operation opens in an outage, fails fast while open, and closes by itself on recovery. */
@ExtendWith(VertxExtension.class)
class ResilientCircuitTest {

  /** Two calls of an operation that failed after all three of their attempts open its circuit. */
  private static final ResilienceSettings SETTINGS = ResilienceSettings.defaults(30_000, SandboxQiwi.CLIENT_TIMEOUT_MS)
      .withBreakerWindow(Duration.ofSeconds(10), 100)
      .withConsecutiveFailures(2)
      .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private Vertx vertx;
  private SandboxQiwi sandbox;
  private SimpleMeterRegistry registry;
  private final ListAppender<ILoggingEvent> circuitLog = new ListAppender<>();

  @BeforeEach
  void startSandbox(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    registry = new SimpleMeterRegistry();
    Logger logger = (Logger) LoggerFactory.getLogger(OperationCircuit.class);
    circuitLog.setContext(logger.getLoggerContext());
    circuitLog.start();
    logger.addAppender(circuitLog);
    SandboxQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      sandbox = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopCapturingLogs() {
    ((Logger) LoggerFactory.getLogger(OperationCircuit.class)).detachAppender(circuitLog);
  }

  private List<ILoggingEvent> circuitEvents(Level level) {
    synchronized (circuitLog) {
      return circuitLog.list.stream().filter(event -> event.getLevel() == level).toList();
    }
  }

  private double unavailable(QiwiOperation operation, Reason reason) {
    return registry.get(ResilienceMetrics.UNAVAILABLE)
        .tag("operation", operation.metricName()).tag("reason", reason.metricName()).counter().count();
  }

  /** Turns the expected failure of a call into a value, so that a sequence of them reads linearly. */
  private static Future<QiwiUnavailable> unavailable(Future<?> call) {
    return call.transform(outcome -> outcome.failed() && outcome.cause() instanceof QiwiUnavailable unavailable
        ? Future.succeededFuture(unavailable)
        : Future.failedFuture(new AssertionError("expected QiwiUnavailable, got "
            + (outcome.succeeded() ? outcome.result() : outcome.cause()), outcome.cause())));
  }

  /** Status calls while every status request answers 503: each spends its three attempts, the second opens. */
  private Future<QiwiUnavailable> openStatusCircuit(QiwiClient qiwi, ResilientCallGuard guard) {
    return sandbox.addFault(SandboxQiwi.fault("http5xx", "status").put("status", 503))
        .compose(rule -> unavailable(qiwi.billStatus("order-7201")))
        .compose(first -> {
          assertThat(first.reason()).isEqualTo(Reason.RETRIES_EXHAUSTED);
          assertThat(first.lastFailure()).containsInstanceOf(QiwiException.TransportFailure.class);
          assertThat(guard.circuitState(QiwiOperation.BILL_STATUS)).isEqualTo(State.CLOSED);
          return unavailable(qiwi.billStatus("order-7201"));
        })
        .map(second -> {
          assertThat(second.reason()).as("a call is judged by its end").isEqualTo(Reason.RETRIES_EXHAUSTED);
          assertThat(second.lastFailure()).containsInstanceOf(QiwiException.TransportFailure.class);
          assertThat(guard.circuitState(QiwiOperation.BILL_STATUS)).isEqualTo(State.OPEN);
          return second;
        });
  }

  @Test
  @DisplayName("an outage of status checks opens their circuit: later checks fail fast, issuing still works")
  void outageOpensTheCircuit(VertxTestContext ctx) {
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    QiwiClient qiwi = sandbox.client(guard, registry);
    openStatusCircuit(qiwi, guard)
        .compose(opened -> sandbox.requests("status"))
        .compose(requestsWhenOpened -> unavailable(qiwi.billStatus("order-7202"))
            .compose(refused -> sandbox.requests("status").map(requestsAfter -> {
              assertThat(requestsWhenOpened).as("three attempts, twice").isEqualTo(6);
              assertThat(requestsAfter).as("nothing reached QIWI while open").isEqualTo(requestsWhenOpened);
              assertThat(refused.reason()).isEqualTo(Reason.CIRCUIT_OPEN);
              assertThat(refused.lastFailure()).as("no attempt was made").isEmpty();
              // The circuit opened milliseconds ago and stays open 30 s: Retry-After tells about that wait.
              assertThat(refused.retryAfterSeconds()).isBetween(20, 30);
              return refused;
            })))
        .compose(refused -> qiwi.issueBill(SandboxQiwi.order("order-7203")))
        .onComplete(ctx.succeeding(issued -> ctx.verify(() -> {
          assertThat(issued.status()).isEqualTo(BillStatus.WAITING);
          assertThat(guard.circuitState(QiwiOperation.ISSUE_BILL)).isEqualTo(State.CLOSED);
          assertThat(unavailable(QiwiOperation.BILL_STATUS, Reason.CIRCUIT_OPEN)).isEqualTo(1.0);
          assertThat(unavailable(QiwiOperation.BILL_STATUS, Reason.RETRIES_EXHAUSTED)).isEqualTo(2.0);
          assertThat(circuitEvents(Level.WARN)).as("one warning, when it opened").hasSize(1);
          assertThat(circuitEvents(Level.WARN).get(0).getFormattedMessage()).contains("bill_status", "opened");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("after the open wait, successful trial checks half-open and then close the circuit by themselves")
  void circuitClosesAfterRecovery(VertxTestContext ctx) {
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS.withBreakerOpenWait(Duration.ofMillis(500)),
        registry);
    QiwiClient qiwi = sandbox.client(guard, registry);
    qiwi.issueBill(SandboxQiwi.order("order-7201"))
        .compose(issued -> openStatusCircuit(qiwi, guard))
        .compose(opened -> sandbox.clearFaults())
        .compose(cleared -> vertx.timer(700))
        .compose(waited -> qiwi.billStatus("order-7201"))
        .compose(firstTrial -> {
          ctx.verify(() -> {
            assertThat(firstTrial.status()).isEqualTo(BillStatus.WAITING);
            assertThat(guard.circuitState(QiwiOperation.BILL_STATUS)).isEqualTo(State.HALF_OPEN);
          });
          return qiwi.billStatus("order-7201").compose(second -> qiwi.billStatus("order-7201"));
        })
        .onComplete(ctx.succeeding(lastTrial -> ctx.verify(() -> {
          assertThat(guard.circuitState(QiwiOperation.BILL_STATUS)).isEqualTo(State.CLOSED);
          assertThat(circuitEvents(Level.INFO)).extracting(ILoggingEvent::getFormattedMessage)
              .anySatisfy(line -> assertThat(line).contains("bill_status", "HALF_OPEN"))
              .filteredOn(line -> line.contains("closed")).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("when QIWI cannot be reached at all, checks end as unavailable and the circuit opens")
  void unreachableQiwiOpensTheCircuit(VertxTestContext ctx) {
    ResilientCallGuard guard = new ResilientCallGuard(vertx, SETTINGS, registry);
    QiwiClient qiwi = sandbox.client(guard, registry);
    sandbox.stop()
        .compose(stopped -> unavailable(qiwi.billStatus("order-7204")))
        .compose(first -> {
          ctx.verify(() -> {
            assertThat(first.reason()).isEqualTo(Reason.RETRIES_EXHAUSTED);
            assertThat(first.lastFailure()).containsInstanceOf(QiwiException.TransportFailure.class);
            assertThat(first.getMessage()).contains("bill_status", "all attempts failed");
          });
          return unavailable(qiwi.billStatus("order-7204"));
        })
        .compose(second -> unavailable(qiwi.billStatus("order-7204")))
        .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
          assertThat(third.reason()).isEqualTo(Reason.CIRCUIT_OPEN);
          assertThat(guard.circuitState(QiwiOperation.BILL_STATUS)).isEqualTo(State.OPEN);
          assertThat(third.retryAfterSeconds()).isBetween(20, 30);
          ctx.completeNow();
        })));
  }
}
