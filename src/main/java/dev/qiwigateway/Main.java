package dev.qiwigateway;

import dev.qiwigateway.config.ConfigException;
import dev.qiwigateway.config.ConfigLoader;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.ops.GatewayMetrics;
import dev.qiwigateway.ops.LogFlush;
import dev.qiwigateway.sandbox.SandboxMain;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar qiwi-gateway.jar} runs the gateway; {@code java -jar qiwi-gateway.jar sandbox}
 * runs the QIWI sandbox alone; {@code --help} and {@code --version} print and exit. Exit codes
 * ({@link CommandLine#USAGE}): 0 after a clean drain on SIGTERM or SIGINT, 1 when the drain failed or
 * start-up failed, 2 for a configuration error or a port already taken.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && !args[0].equals("sandbox")) {
      // Only printing: no logging, no Vert.x, nothing started.
      System.exit(CommandLine.run(args, System.out, System.err));
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length > 0) {
      SandboxMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    PrometheusMeterRegistry registry = GatewayMetrics.create().registry();
    Vertx vertx = GatewayMetrics.vertxBuilder(new VertxOptions(), registry).build();
    GatewayConfig config;
    try {
      // The main thread may wait: the ports are checked here, before any database work starts.
      config = ConfigLoader.load(vertx).toCompletionStage().toCompletableFuture().get();
      LOG.atInfo().addKeyValue("config", config.describe()).log("configuration loaded");
      ListenPorts.check(config);
    } catch (ExecutionException e) {
      failed(vertx, e.getCause());
      return;
    } catch (RuntimeException e) {
      failed(vertx, e);
      return;
    }
    GatewayApp.start(vertx, registry, config)
        .onSuccess(running -> ready(vertx, running))
        .onFailure(cause -> failed(vertx, cause));
  }

  private static void ready(Vertx vertx, RunningGateway running) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(vertx, running), "gateway-shutdown"));
    if (running.services().config().isDev()) {
      LOG.info(DevBanner.text(running));
    }
    LOG.atInfo()
        .addKeyValue("httpPort", running.httpPort())
        .addKeyValue("managementPort", running.managementPort())
        .addKeyValue("httpHost", running.services().config().httpHost())
        .addKeyValue("managementHost", running.services().config().managementHost())
        .addKeyValue("profile", running.services().config().profile().configName())
        .log("qiwi-gateway ready");
  }

  /**
   * Runs on the JVM's shutdown-hook thread (SIGTERM, SIGINT), never an event loop, so waiting here is
   * fine. Left to itself the JVM would report the signal (143, 130) even after a clean drain; the
   * process ends here instead with the drain's own outcome: 0 when everything stopped cleanly, else 1.
   */
  private static void shutDown(Vertx vertx, RunningGateway running) {
    long drainMillis = running.services().config().drainTimeout().toMillis();
    int exitCode = 1;
    try {
      running.stop().eventually(vertx::close).toCompletionStage().toCompletableFuture()
          .get(drainMillis + 10_000, TimeUnit.MILLISECONDS);
      exitCode = 0;
    } catch (Exception e) {
      LOG.atWarn().setCause(e).log("shutdown did not finish cleanly");
    } finally {
      LogFlush.beforeExit();
    }
    Runtime.getRuntime().halt(exitCode);
  }

  private static void failed(Vertx vertx, Throwable cause) {
    int exitCode;
    if (cause instanceof ConfigException config) {
      config.problems().forEach(problem -> LOG.error("configuration error: {}", problem));
      exitCode = 2;
    } else if (cause instanceof ListenPorts.Unavailable ports) {
      ports.problems().forEach(problem -> LOG.error("cannot start: {}", problem));
      exitCode = 2;
    } else {
      LOG.atError().setCause(cause).log("qiwi-gateway failed to start");
      exitCode = 1;
    }
    vertx.close().onComplete(ignored -> new Thread(() -> {
      LogFlush.beforeExit();
      System.exit(exitCode);
    }, "gateway-exit").start());
  }
}
