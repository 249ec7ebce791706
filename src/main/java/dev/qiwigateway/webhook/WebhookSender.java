package dev.qiwigateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One POST of an event to the marketplace, signed per Standard Webhooks. Only a 2xx within the
 * timeout is a delivery; redirects are not followed (a moved endpoint is a configuration problem, not
 * a place to send signed payment events). The response body is discarded unread.
 */
final class WebhookSender {

  private final WebClient web;
  private final WebhookEndpoint endpoint;
  private final WebhookSignature signature;
  private final long timeoutMs;

  WebhookSender(WebClient web, WebhookEndpoint endpoint, WebhookSignature signature, Duration timeout) {
    this.web = web;
    this.endpoint = endpoint;
    this.signature = signature;
    this.timeoutMs = timeout.toMillis();
  }

  /** Never fails: every way an attempt can end is an {@link AttemptResult}. */
  Future<AttemptResult> send(OutboxEvent event) {
    long timestamp = Instant.now().getEpochSecond();
    HttpRequest<Void> request = web.postAbs(endpoint.url())
        .followRedirects(false)
        .timeout(timeoutMs)
        .as(BodyCodec.none())
        .putHeader("Content-Type", "application/json")
        .putHeader("webhook-id", event.id())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", signature.sign(event.id(), timestamp, event.body().getBytes()));
    if (endpoint.authorization() != null) {
      request.putHeader("Authorization", endpoint.authorization());
    }
    return request.sendBuffer(event.body())
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> response.statusCode() / 100 == 2
            ? AttemptResult.success()
            : AttemptResult.failure("HTTP " + response.statusCode()))
        .otherwise(failure -> AttemptResult.failure(describe(failure)));
  }

  /** The reason as stored in last_error: a category, never the URL (it may carry credentials). */
  private String describe(Throwable failure) {
    if (failure instanceof TimeoutException) {
      return "timeout after " + timeoutMs + " ms";
    }
    if (failure instanceof ConnectException) {
      return "connection refused";
    }
    if (failure instanceof HttpClosedException) {
      return "connection closed";
    }
    if (failure instanceof IOException) {
      return "connection failure (" + failure.getClass().getSimpleName() + ")";
    }
    return "request failed (" + failure.getClass().getSimpleName() + ")";
  }
}
