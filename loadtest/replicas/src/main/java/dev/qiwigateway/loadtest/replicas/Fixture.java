package dev.qiwigateway.loadtest.replicas;

import java.util.Map;
import java.util.Set;

/** The fixed identities of a run: the QIWI shop the sandbox and the replicas share, and the merchant. */
final class Fixture {

  static final String MERCHANT = "shop1";
  static final String PRV_ID = "2042";
  static final String API_ID = "23244123";
  static final String API_SECRET = "453Fdgd443";
  static final String NOTIFY_PASSWORD = "test";
  /** Where QIWI (the sandbox) and the driver post notifications, on the proxy. */
  static final String NOTIFY_PATH = "/qiwi/notifications";
  static final Set<String> FINAL = Set.of("paid", "rejected", "unpaid", "expired");

  private Fixture() {
  }

  /** The QIWI settings of the sandbox and of every replica (rest-v3). */
  static Map<String, String> credentialsEnv() {
    return Map.of("QIWI_PRV_ID", PRV_ID, "QIWI_API_ID", API_ID, "QIWI_API_SECRET", API_SECRET,
        "QIWI_NOTIFY_PASSWORD", NOTIFY_PASSWORD, "QIWI_DIALECT", "rest-v3");
  }
}
