package dev.qiwigateway.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deploys a fresh sandbox on port 0 before each test, in the test's own Vert.x instance. */
@ExtendWith(VertxExtension.class)
abstract class SandboxTestBase {

  protected Vertx vertx;
  protected MutableClock clock;
  protected SandboxVerticle sandbox;
  protected SandboxClient client;

  /** The settings of the sandbox under test; subclasses adjust them. */
  protected SandboxSettings settings(Vertx vertx) {
    return SandboxSettings.defaults(SandboxClient.CREDENTIALS)
        .withClock(clock)
        .withExpirySweepInterval(Duration.ofHours(1))
        .withRefundSettleDelay(Duration.ofHours(1));
  }

  /** Runs before the sandbox is deployed (e.g. to start a notification receiver it needs). */
  protected Future<Void> beforeSandbox(Vertx vertx) {
    return Future.succeededFuture();
  }

  @BeforeEach
  void deploySandbox(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    clock = MutableClock.startingNow();
    beforeSandbox(vertx)
        .compose(ready -> {
          sandbox = new SandboxVerticle(settings(vertx));
          return vertx.deployVerticle(sandbox);
        })
        .onComplete(ctx.succeeding(id -> {
          client = new SandboxClient(vertx, sandbox.actualPort());
          ctx.completeNow();
        }));
  }
}
