package dev.qiwigateway.startup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Micrometer reports a gauge registered twice; vertx-micrometer re-registers its connection and request
 * gauges on every connection and request. Whatever the tests' own logging, the production log
 * (logback.xml) must not carry that on every start.
 */
class DuplicateMeterTest {

  @Test
  @DisplayName("database connections, QIWI calls and notifications write no 'already registered' line to the production log")
  void noGaugeRegisteredTwice() throws Exception {
    Logger registryLog = (Logger) LoggerFactory.getLogger(MeterRegistry.class);
    Level before = registryLog.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.setContext(registryLog.getLoggerContext());
    lines.start();
    registryLog.addAppender(lines);
    // Micrometer warns about the first double registration in a JVM and logs later ones at DEBUG: catch both.
    registryLog.setLevel(Level.DEBUG);
    GatewayHarness.TestGateway gateway = null;
    Vertx clients = Vertx.vertx();
    try {
      gateway = GatewayHarness.start(GatewayHarness.settings("duplicate-meter"))
          .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      Pool pool = gateway.running().services().pool();
      // Concurrent sleeps need a connection each: the pool opens new ones.
      Future.all(List.of(sleep(pool), sleep(pool), sleep(pool)))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      // Every HTTP client at work: the QIWI client issues and refreshes, the sandbox notifies the gateway.
      // The test's own clients run on a Vert.x without metrics: only the gateway's meters are checked.
      MerchantApi api = MerchantApi.of(clients, gateway.running().httpPort());
      SandboxAdmin sandbox = new SandboxAdmin(clients, gateway.running().services().config().qiwi().baseUrl());
      api.post("/v1/bills", "meters-1", MerchantApi.bill("meters-1", "10.00"))
          .compose(issued -> sandbox.pay("meters-1"))
          .compose(paid -> api.get("/v1/bills/meters-1?refresh=true"))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      waitForNotification(sandbox, "meters-1");
      List<ILoggingEvent> events;
      synchronized (lines) {
        events = List.copyOf(lines.list);
      }
      LoggerContext production = productionLogging();
      try {
        assertThat(events)
            .filteredOn(event -> event.getFormattedMessage().contains("already registered"))
            // The first such line of a process is a WARN, later ones DEBUG; which one this test sees depends on
            // what ran before it in this JVM, so judge every one as the WARN it is in a fresh process.
            .noneMatch(event -> production.getLogger(event.getLoggerName()).isWarnEnabled());
      } finally {
        production.stop();
      }
    } finally {
      registryLog.detachAppender(lines);
      registryLog.setLevel(before);
      clients.close();
      if (gateway != null) {
        gateway.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** Polls on the test thread (never an event loop) until the sandbox saw its notification acknowledged. */
  private static void waitForNotification(SandboxAdmin sandbox, String billId) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (sandbox.acknowledgedNotifications(billId).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS) > 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the sandbox's notification of " + billId + " was never acknowledged");
  }

  /** The jar's own logging configuration, in a context of its own (the tests log through logback-test.xml). */
  private static LoggerContext productionLogging() throws JoranException {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(DuplicateMeterTest.class.getResource("/logback.xml"));
    return context;
  }

  private static Future<?> sleep(Pool pool) {
    return pool.query("SELECT pg_sleep(0.3)").execute();
  }
}
