package dev.qiwigateway.config;

import java.util.Base64;

/**
 * Outgoing events (gateway-api.md §5). The secret follows Standard Webhooks: {@code whsec_<base64>}
 * of at least 24 random bytes; the HMAC key is the decoded part. Never printed.
 */
public record WebhookSettings(String url, byte[] signingKey) {

  static final int MIN_KEY_BYTES = 24;

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
    return new WebhookSettings(url, key);
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
        + " (secret set)";
  }

  @Override
  public String toString() {
    return "WebhookSettings[" + describe() + "]";
  }
}
