package dev.qiwigateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verification as a marketplace's receiver does it by the Standard Webhooks specification, written
 * independently of the gateway's signer: the key is the base64 part of {@code whsec_...}; the header
 * may list several space-separated {@code v1,<sig>} entries; the timestamp must be recent.
 */
final class StandardWebhooks {

  static final Duration TOLERANCE = Duration.ofMinutes(5);

  private StandardWebhooks() {
  }

  static boolean verify(String secret, String webhookId, String timestamp, String signatureHeader, byte[] body) {
    if (webhookId == null || timestamp == null || signatureHeader == null) {
      return false;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(Instant.now().getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
      return false;
    }
    byte[] expected = hmac(secret, (webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    for (String entry : signatureHeader.split(" ")) {
      String[] parts = entry.split(",", 2);
      if (parts.length == 2 && parts[0].equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmac(String secret, byte[] prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      mac.update(prefix);
      return mac.doFinal(body);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
