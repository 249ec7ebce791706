package dev.qiwigateway.testing;

import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.sandbox.protocol.SandboxCredentials;
import java.util.List;

/**
 * Secret values the tests configure. They are distinctive on purpose: the last test of the run
 * scans every log the run wrote and fails if any of them (or anything derived from them) appears.
 */
public final class TestSecrets {

  public static final String PRV_ID = "3117";
  public static final String API_ID = "55512345";
  public static final String API_SECRET = "leak-canary-api-secret-7f3a";
  public static final String NOTIFY_PASSWORD = "leak-canary-notify-pass-91c2";
  public static final String MERCHANT_TOKEN = "leak-canary-merchant-token-5d0e";
  public static final String OTHER_MERCHANT_TOKEN = "leak-canary-merchant-token-2-a8f1";
  public static final String PG_PASSWORD = "leak-canary-pg-pass-c41b";
  /** The webhook tests' signing key (their WEBHOOK_SECRET is whsec_ + base64 of it). */
  public static final String WEBHOOK_KEY = "leak-canary-webhook-signing-key!";
  /** WEBHOOK_SECRET for {@link #WEBHOOK_KEY}: whsec_ + base64, the form a marketplace configures. */
  public static final String WEBHOOK_SECRET = "whsec_"
      + java.util.Base64.getEncoder().encodeToString(WEBHOOK_KEY.getBytes(java.nio.charset.StandardCharsets.US_ASCII));

  private TestSecrets() {
  }

  public static QiwiCredentials credentials() {
    return QiwiCredentials.of(PRV_ID, API_ID, API_SECRET, NOTIFY_PASSWORD);
  }

  /** The same shop for the sandbox, which derives its SECRET_KEY on its own. */
  public static SandboxCredentials sandboxCredentials() {
    return SandboxCredentials.of(PRV_ID, API_ID, API_SECRET, NOTIFY_PASSWORD);
  }

  /** Every value that must never reach a log line, derived ones included. */
  public static List<String> all() {
    QiwiCredentials credentials = credentials();
    return List.of(API_SECRET, NOTIFY_PASSWORD, MERCHANT_TOKEN, OTHER_MERCHANT_TOKEN, PG_PASSWORD, WEBHOOK_KEY,
        java.util.Base64.getEncoder().encodeToString(WEBHOOK_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8)), credentials.secretKey(),
        credentials.authorization(dev.qiwigateway.qiwi.QiwiDialect.PULL_V2).substring("Basic ".length()),
        credentials.notificationBasicAuthorization().substring("Basic ".length()));
  }
}
