package dev.qiwigateway;

import dev.qiwigateway.config.DevDefaults;
import dev.qiwigateway.config.GatewayConfig;

/**
 * The dev profile's announcement with a walk-through to paste. It shows the dev merchant's token only
 * while that built-in token is in use; configured tokens are secrets and appear only as a placeholder.
 */
final class DevBanner {

  static final String DEMO_BILL = "demo-1";

  private DevBanner() {
  }

  static String text(RunningGateway running) {
    GatewayConfig config = running.services().config();
    String api = "http://localhost:" + running.httpPort();
    String token = config.merchantTokens().merchantFor(DevDefaults.MERCHANT_TOKEN).isPresent()
        ? DevDefaults.MERCHANT_TOKEN : "<your merchant token>";
    String auth = "-H 'Authorization: Bearer " + token + "'";
    return String.join("\n",
        "",
        "==================== qiwi-gateway: DEV PROFILE ====================",
        "Embedded PostgreSQL and the built-in QIWI sandbox run inside this process. Not for production.",
        "  merchant API   " + api + "   (merchant '" + DevDefaults.MERCHANT_ID + "', bearer token " + token + ")",
        "  management     http://localhost:" + running.managementPort() + "/health/ready  /metrics  /openapi.yaml",
        "  QIWI sandbox   " + config.qiwi().baseUrl() + "   (dialect " + config.qiwi().dialect() + ", shop "
            + config.qiwi().credentials().prvId() + ")",
        "",
        "Walk-through, from another terminal:",
        "1) the checkout issues a bill",
        "   curl -s -X POST " + api + "/v1/bills " + auth + " -H 'Idempotency-Key: demo-1' \\",
        "     -H 'Content-Type: application/json' \\",
        "     -d '{\"billId\":\"" + DEMO_BILL + "\",\"amount\":\"10.00\",\"currency\":\"RUB\","
            + "\"customer\":\"tel:+79161234567\",\"comment\":\"Demo order\"}'",
        "2) the buyer pays: open the bill's payUrl in a browser and press Pay",
        "   " + config.qiwi().payUrl() + "?shop=" + config.qiwi().credentials().prvId() + "&transaction=" + DEMO_BILL,
        "   (without a browser: curl -s -X POST '" + config.qiwi().baseUrl() + "/sandbox/bills/" + DEMO_BILL + "/pay')",
        "3) the checkout sees it paid",
        "   curl -s '" + api + "/v1/bills/" + DEMO_BILL + "?refresh=true' " + auth,
        "4) and refunds part of it",
        "   curl -s -X POST " + api + "/v1/bills/" + DEMO_BILL + "/refunds " + auth
            + " -H 'Idempotency-Key: demo-refund-1' \\",
        "     -H 'Content-Type: application/json' -d '{\"amount\":\"4.00\"}'",
        "The README shows the same at the QIWI protocol level, directly against the sandbox.",
        "==================================================================");
  }

}
