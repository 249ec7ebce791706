package dev.qiwigateway.sandbox;

import ch.qos.logback.classic.LoggerContext;
import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The sandbox on its own ({@code java -jar qiwi-gateway.jar sandbox}), for demos and load tests.
 * Configured from the environment (see {@link SandboxEnvironment}); exits 2 on bad settings, 1 when it
 * cannot listen, and stops cleanly on SIGTERM.
 */
public final class SandboxMain {

  private SandboxMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    SandboxSettings settings;
    try {
      settings = SandboxEnvironment.settings(System.getenv());
    } catch (IllegalArgumentException badSetting) {
      System.err.println("qiwi sandbox: bad setting: " + badSetting.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    SandboxVerticle sandbox = new SandboxVerticle(settings);
    try {
      // main is not an event loop: waiting here for the deployment blocks nothing.
      vertx.deployVerticle(sandbox).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException failed) {
      Throwable cause = failed.getCause() == null ? failed : failed.getCause();
      System.err.println("qiwi sandbox: cannot start on " + settings.host() + ":" + settings.port() + ": " + cause);
      vertx.close();
      flushLogs();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx), "sandbox-shutdown"));
    System.out.println(banner(sandbox, settings));
  }

  private static void stop(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("qiwi sandbox: unclean stop: " + e);
    } finally {
      flushLogs();
    }
  }

  /** Log lines go through an asynchronous appender; stopping logback writes what is still queued. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
      logs.stop();
    }
  }

  static String banner(SandboxVerticle sandbox, SandboxSettings settings) {
    String base = sandbox.baseUrl();
    StringBuilder text = new StringBuilder()
        .append("QIWI sandbox listening on ").append(base).append('\n')
        .append("  rest-v3 API  ").append(base).append("/api/v3/prv/bills/{bill_id}\n")
        .append("  pull-v2 API  ").append(base).append("/api/v2/prv/").append(settings.credentials().prvId())
        .append("/bills/{bill_id}\n")
        .append("  v1 API       ").append(base).append(V1Api.BILL_PATH.replace(":billId", "{billId}")).append('\n')
        .append("  payment page ").append(sandbox.payUrl()).append("?shop=").append(settings.credentials().prvId())
        .append("&transaction={bill_id}\n")
        .append("  web forms    ").append(base).append(WebForms.REST_V3_PATH).append(" (signed), ").append(base)
        .append(WebForms.V1_PATH).append("?publicKey=").append(settings.credentials().publicKey()).append(", ")
        .append(base).append(WebForms.PULL_V2_PATH).append('\n')
        .append("  credentials  prv_id=").append(settings.credentials().prvId())
        .append(" api_id=").append(settings.credentials().apiId()).append(" (secrets not shown)\n")
        .append("  notifications ");
    if (settings.notifyUrl() == null) {
      text.append("off (set SANDBOX_NOTIFY_URL)\n");
    } else {
      text.append(SandboxSettings.redactedUrl(settings.notifyUrl())).append(" as ")
          .append(settings.notifyDialect().configName());
      if (settings.notifyDialect() == Dialect.PULL_V2) {
        text.append(" (").append(settings.notifyAuth().configName()).append(')');
      }
      text.append('\n');
    }
    text.append("  admin API (no auth):\n");
    AdminApi.ENDPOINTS.forEach(endpoint -> text.append("    ").append(endpoint).append('\n'));
    return text.toString();
  }
}
