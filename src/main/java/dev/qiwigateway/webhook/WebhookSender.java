package dev.qiwigateway.webhook;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
  private final Endpoint endpoint;
  private final Signature signature;
  private final long timeoutMs;

  WebhookSender(WebClient web, Endpoint endpoint, Signature signature, Duration timeout) {
    this.web = web;
    this.endpoint = endpoint;
    this.signature = signature;
    this.timeoutMs = timeout.toMillis();
  }

  /** Never fails: every way an attempt can end is an {@link WebhookOutbox.AttemptResult}. */
  Future<WebhookOutbox.AttemptResult> send(WebhookOutbox.Event event) {
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
            ? WebhookOutbox.AttemptResult.success()
            : WebhookOutbox.AttemptResult.failure("HTTP " + response.statusCode()))
        .otherwise(failure -> WebhookOutbox.AttemptResult.failure(describe(failure)));
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

  /**
   * Where webhooks go. Credentials in the URL ({@code https://user:pass@host/hooks}) become a Basic
   * Authorization header instead of travelling in the request line; neither is ever logged.
   */
  record Endpoint(String url, String authorization) {

    static Endpoint of(String configured) {
      URI uri = URI.create(configured);
      String userInfo = uri.getRawUserInfo();
      if (userInfo == null) {
        return new Endpoint(configured, null);
      }
      String withoutCredentials = configured.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^@/]*@", "$1");
      String credentials = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
      return new Endpoint(withoutCredentials,
          "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
      return "Endpoint[" + url + (authorization == null ? "" : ", credentials redacted") + "]";
    }
  }

  /**
   * The Standard Webhooks signature: {@code v1,<base64 HMAC-SHA256 over "{id}.{timestamp}.{body}">}
   * keyed with the decoded part of {@code whsec_...}. The key is never printed.
   */
  static final class Signature {

    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    public Signature(byte[] signingKey) {
      this.key = new SecretKeySpec(signingKey.clone(), HMAC);
    }

    public String sign(String eventId, long timestampSeconds, byte[] body) {
      try {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(key);
        mac.update((eventId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
      }
    }

    @Override
    public String toString() {
      return "Signature[key redacted]";
    }
  }
}
