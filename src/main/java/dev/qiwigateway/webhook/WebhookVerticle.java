package dev.qiwigateway.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import dev.qiwigateway.config.WebhookSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.UUID;

/**
 * Webhook delivery of one gateway instance (deployed only when WEBHOOK_URL is set): one dispatcher on
 * this verticle's event loop, with an HTTP client of its own so that a slow marketplace cannot starve
 * the calls to QIWI.
 */
public final class WebhookVerticle extends VerticleBase {

  private final WebhookSettings settings;
  private final Pool pool;
  private final MeterRegistry registry;
  private WebClient web;
  private WebhookDispatcher dispatcher;

  public WebhookVerticle(WebhookSettings settings, Pool pool, MeterRegistry registry) {
    this.settings = settings;
    this.pool = pool;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    web = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("qiwi-gateway-webhooks")
        .setKeepAlive(true)
        .setFollowRedirects(false)
        .setConnectTimeout((int) Math.min(settings.timeout().toMillis(), Integer.MAX_VALUE)));
    WebhookSender sender = new WebhookSender(web, WebhookSender.Endpoint.of(settings.url()),
        new WebhookSender.Signature(settings.signingKey()), settings.timeout());
    dispatcher = new WebhookDispatcher(vertx, new WebhookOutbox(pool, UUID.randomUUID()), sender,
        new WebhookMetrics(registry), settings);
    dispatcher.start();
    return Future.succeededFuture();
  }

  /** Lets the attempts in flight finish and releases the leases left, before the pool closes. */
  @Override
  public Future<?> stop() {
    return dispatcher.stop().onComplete(done -> web.close());
  }
}
