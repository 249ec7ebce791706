package dev.qiwigateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.ops.OpenApiDocument;
import dev.qiwigateway.testing.GatewayTestBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenApiEndpointTest extends GatewayTestBase {

  @Test
  @DisplayName("the management port serves the merchant API's OpenAPI 3.1 document, naming every payment operation")
  void servesTheDocument(Vertx vertx, VertxTestContext ctx) {
    WebClient.create(vertx).get(gateway.running().managementPort(), "127.0.0.1", OpenApiDocument.PATH).send()
        .compose(response -> {
          ctx.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.getHeader("Content-Type")).isEqualTo("application/yaml");
            assertThat(response.bodyAsString(StandardCharsets.UTF_8.name())).isEqualTo(ApiContract.readDocument());
          });
          return ApiContract.load(vertx, response.bodyAsString(StandardCharsets.UTF_8.name()));
        })
        .onComplete(ctx.succeeding(contract -> ctx.verify(() -> {
          assertThat(contract.operations()).containsExactlyInAnyOrderEntriesOf(Map.of(
              "POST /v1/bills", "issueBill",
              "GET /v1/bills/{billId}", "getBill",
              "POST /v1/bills/{billId}/cancel", "cancelBill",
              "POST /v1/bills/{billId}/refunds", "refundBill",
              "GET /v1/bills/{billId}/refunds", "listRefunds",
              "GET /v1/bills/{billId}/refunds/{refundId}", "getRefund",
              "GET /v1/events", "listEvents",
              "POST /v1/events/{eventId}/redeliver", "redeliverEvent"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the document stays off the public port, where only the merchant API answers")
  void notOnThePublicPort(Vertx vertx, VertxTestContext ctx) {
    WebClient.create(vertx).get(gateway.running().httpPort(), "127.0.0.1", OpenApiDocument.PATH).send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertProblem(response, 404, "not_found");
          ctx.completeNow();
        })));
  }
}
