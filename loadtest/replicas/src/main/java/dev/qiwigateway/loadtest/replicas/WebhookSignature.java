package dev.qiwigateway.loadtest.replicas;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures, verified independently of the gateway's code: header webhook-signature
 * holds space-separated {@code v1,base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}, where the
 * key is the bytes base64-encoded after {@code whsec_} in the shared secret.
 */
final class WebhookSignature {

  private final byte[] key;

  WebhookSignature(byte[] key) {
    this.key = key.clone();
  }

  /** The shared secret as the gateway is configured with it. */
  static String secret(byte[] key) {
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  /** Whether one of the presented signatures is the expected one; thread-safe (a Mac per call). */
  boolean verify(String id, String timestamp, String signatures, byte[] body) {
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    byte[] expected = sign(id, timestamp, body).getBytes(StandardCharsets.UTF_8);
    for (String presented : signatures.trim().split(" +")) {
      if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected)) {
        return true;
      }
    }
    return false;
  }

  String sign(String id, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The Standard Webhooks specification's example: a verifier that disagrees with it must not run. */
  static void selfCheck() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    WebhookSignature check = new WebhookSignature(Base64.getDecoder().decode(secret.substring("whsec_".length())));
    String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    String timestamp = "1614265330";
    byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    String expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    if (!check.verify(id, timestamp, "v1,bm90IGl0 " + expected, body) || check.verify(id, "1614265331", expected, body)
        || !secret(check.key).equals(secret)) {
      throw new IllegalStateException("the webhook signature check disagrees with the Standard Webhooks example");
    }
  }
}
