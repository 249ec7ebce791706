package dev.qiwigateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature: {@code v1,<base64 HMAC-SHA256 over "{id}.{timestamp}.{body}">}
 * keyed with the decoded part of {@code whsec_...}. The key is never printed.
 */
public final class WebhookSignature {

  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;

  public WebhookSignature(byte[] signingKey) {
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
    return "WebhookSignature[key redacted]";
  }
}
