package dev.qiwigateway;

import dev.qiwigateway.config.ConfigException;
import dev.qiwigateway.config.ConfigLoader;
import dev.qiwigateway.ops.GatewayMetrics;
import dev.qiwigateway.ops.LogFlush;
import dev.qiwigateway.sandbox.SandboxMain;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar qiwi-gateway.jar} runs the gateway; {@code java -jar qiwi-gateway.jar sandbox}
 * runs the QIWI sandbox alone. Exit codes: 2 for a configuration error, 1 for any other start failure.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length > 0 && args[0].equals("sandbox")) {
      SandboxMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    PrometheusMeterRegistry registry = GatewayMetrics.create().registry();
    Vertx vertx = GatewayMetrics.vertxBuilder(new VertxOptions(), registry).build();
    ConfigLoader.load(vertx)
        .onSuccess(config -> LOG.atInfo().addKeyValue("config", config.describe()).log("configuration loaded"))
        .compose(config -> GatewayApp.start(vertx, registry, config))
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
        .addKeyValue("profile", running.services().config().profile().configName())
        .log("qiwi-gateway ready");
  }

  /** Runs on the JVM's shutdown-hook thread (SIGTERM), never an event loop, so waiting here is fine. */
  private static void shutDown(Vertx vertx, RunningGateway running) {
    long drainMillis = running.services().config().drainTimeout().toMillis();
    try {
      running.stop().eventually(vertx::close).toCompletionStage().toCompletableFuture()
          .get(drainMillis + 10_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.atWarn().setCause(e).log("shutdown did not finish cleanly");
    } finally {
      LogFlush.beforeExit();
    }
  }

  private static void failed(Vertx vertx, Throwable cause) {
    int exitCode;
    if (cause instanceof ConfigException config) {
      config.problems().forEach(problem -> LOG.error("configuration error: {}", problem));
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
