package dev.qiwigateway.webhook;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The marketplace's webhook endpoint, listening before anything that delivers to it starts: JUnit runs
 * a superclass's {@code @BeforeEach} first and its {@code @AfterEach} last.
 */
@ExtendWith(VertxExtension.class)
abstract class ReceiverTestBase {

  protected Vertx vertx;
  protected WebhookReceiver receiver;

  @BeforeEach
  void startReceiver(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    receiver = new WebhookReceiver(vertx);
    receiver.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopReceiver(VertxTestContext ctx) {
    receiver.close().onComplete(ctx.succeedingThenComplete());
  }
}
