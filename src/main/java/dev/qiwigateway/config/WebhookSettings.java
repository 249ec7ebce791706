package dev.qiwigateway.config;

import java.time.Duration;
import java.util.Base64;

/**
 * Outgoing events (docs/api.md#events). The secret follows Standard Webhooks: {@code whsec_<base64>}
 * of at least 24 random bytes; the HMAC key is the decoded part. Never printed.
 *
 * <p>Delivery: an attempt that gets no 2xx within {@code timeout} is retried after a random wait of up
 * to min(retryMax, retryBase × 2^(attempts-1)) (full jitter), so the first retry comes within
 * retryBase (at most 10 s, as the contract promises); once an event has been failing for
 * {@code retryWindow} (24 hours by default, the contract's minimum) it is marked dead. The dispatcher
 * looks for due events every {@code pollPeriod}, and again at once while it finds some; it leases up to
 * {@code batch} events at a time and attempts them all at once (one per bill, so order holds).
 */
public record WebhookSettings(String url, byte[] signingKey, Duration timeout, Duration retryBase, Duration retryMax,
    Duration retryWindow, Duration pollPeriod, int batch) {

  static final int MIN_KEY_BYTES = 24;
  /** The contract promises the first retry within 10 seconds. */
  static final int MAX_RETRY_BASE_MS = 10_000;
  /** Attempts in flight per replica: a slow marketplace ties up at most this many. */
  static final int DELIVERY_BATCH = 32;

  static WebhookSettings read(SettingsReader in) {
    String url = in.optional("WEBHOOK_URL");
    String secret = in.required("WEBHOOK_SECRET", url != null);
    if (url != null && !url.matches("https?://[^\\s]+")) {
      in.problem("WEBHOOK_URL", "must be an http(s) URL");
    }
    byte[] key = null;
    if (secret != null) {
      key = decodeSecret(secret);
      if (key == null) {
        in.problem("WEBHOOK_SECRET", "must be whsec_ followed by the base64 of at least " + MIN_KEY_BYTES + " random bytes");
      }
    }
    int retryBaseMs = in.integer("WEBHOOK_RETRY_BASE_MS", 5_000, 1, MAX_RETRY_BASE_MS);
    int retryMaxMs = in.integer("WEBHOOK_RETRY_MAX_MS", 3_600_000, 1, 86_400_000);
    if (retryMaxMs < retryBaseMs) {
      in.problem("WEBHOOK_RETRY_MAX_MS", "must not be less than WEBHOOK_RETRY_BASE_MS");
    }
    return new WebhookSettings(url, key,
        Duration.ofMillis(in.integer("WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000)),
        Duration.ofMillis(retryBaseMs),
        Duration.ofMillis(retryMaxMs),
        in.duration("WEBHOOK_RETRY_WINDOW", Duration.ofHours(24)),
        Duration.ofMillis(in.integer("WEBHOOK_POLL_MS", 500, 10, 60_000)),
        DELIVERY_BATCH);
  }

  static byte[] decodeSecret(String secret) {
    if (!secret.startsWith("whsec_")) {
      return null;
    }
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      return key.length >= MIN_KEY_BYTES ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public boolean enabled() {
    return url != null;
  }

  String describe() {
    if (url == null) {
      return "off";
    }
    java.net.URI uri = java.net.URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
        + " (secret set, timeout " + timeout.toMillis() + " ms, retries " + retryBase.toMillis() + ".."
        + retryMax.toMillis() + " ms for " + retryWindow + ")";
  }

  @Override
  public String toString() {
    return "WebhookSettings[" + describe() + "]";
  }
}
