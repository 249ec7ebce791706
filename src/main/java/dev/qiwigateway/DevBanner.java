package dev.qiwigateway;

import dev.qiwigateway.config.DevDefaults;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.qiwi.QiwiLifetime;
import java.time.Duration;
import java.time.Instant;

/**
 * The dev profile's announcement with a walk-through to paste. It shows the sandbox's Authorization
 * value only when the credentials are the protocol document's published test vector; configured
 * credentials are secrets and appear only as a placeholder.
 */
final class DevBanner {

  static final String DEMO_BILL = "demo-1";

  private DevBanner() {
  }

  static String text(RunningGateway running) {
    GatewayConfig config = running.services().config();
    String sandboxBase = config.qiwi().baseUrl();
    QiwiDialect dialect = config.qiwi().dialect();
    QiwiCredentials credentials = config.qiwi().credentials();
    String billUrl = sandboxBase + dialect.billPath(credentials.prvId(), DEMO_BILL);
    String auth = isPublishedTestVector(credentials) ? credentials.authorization(dialect) : "<your QIWI Authorization value>";
    String lifetime = QiwiLifetime.format(Instant.now().plus(Duration.ofDays(1)));
    String payPage = config.qiwi().payUrl() + "?shop=" + credentials.prvId() + "&transaction=" + DEMO_BILL;
    return String.join("\n",
        "",
        "==================== qiwi-gateway: DEV PROFILE ====================",
        "Embedded PostgreSQL and the built-in QIWI sandbox run inside this process. Not for production.",
        "  gateway API    http://localhost:" + running.httpPort(),
        "  management     http://localhost:" + running.managementPort() + "/health/ready  and  /metrics",
        "  QIWI sandbox   " + sandboxBase + "   (dialect " + dialect + ", shop " + credentials.prvId() + ")",
        "  dev merchant   '" + DevDefaults.MERCHANT_ID + "', bearer token: " + DevDefaults.MERCHANT_TOKEN,
        "",
        "Walk-through, from another terminal:",
        "1) issue a bill directly at the sandbox",
        "   curl -s -X PUT '" + billUrl + "' \\",
        "     -H 'Authorization: " + auth + "' -H 'Accept: text/json' \\",
        "     --data-urlencode 'user=tel:+79161234567' --data-urlencode 'amount=10.00' --data-urlencode 'ccy=RUB' \\",
        "     --data-urlencode 'comment=Demo order' --data-urlencode 'lifetime=" + lifetime + "'",
        "2) pay it: open the payment page in a browser and press Pay",
        "   " + payPage,
        "   (without a browser: curl -s -X POST '" + sandboxBase + "/sandbox/bills/" + DEMO_BILL + "/pay')",
        "3) see the status change to \"paid\"",
        "   curl -s '" + billUrl + "' -H 'Authorization: " + auth + "' -H 'Accept: text/json'",
        "==================================================================");
  }

  private static boolean isPublishedTestVector(QiwiCredentials credentials) {
    return credentials.prvId().equals(DevDefaults.PRV_ID)
        && credentials.apiId().equals(DevDefaults.API_ID)
        && credentials.apiSecret().equals(DevDefaults.API_SECRET);
  }
}
