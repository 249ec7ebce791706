package dev.qiwigateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class GatewayMetricsTest {

  @Test
  @DisplayName("Two gateways in one JVM each count their own payment requests in their own registry")
  void registriesStayApart(VertxTestContext testContext) {
    GatewayMetrics firstMetrics = GatewayMetrics.create();
    GatewayMetrics secondMetrics = GatewayMetrics.create();
    VertxOptions options = new VertxOptions();
    Vertx first = GatewayMetrics.vertxBuilder(options, firstMetrics.registry()).build();
    Vertx second = GatewayMetrics.vertxBuilder(options, secondMetrics.registry()).build();
    assertThat(options.getMetricsOptions().isEnabled()).as("the caller's options are left alone").isFalse();

    serveAndCall(first, "/v1/bills/:billId", "/v1/bills/b-1")
        .compose(ignored -> serveAndCall(second, "/v1/events", "/v1/events"))
        .onComplete(testContext.succeeding(ignored -> testContext.verify(() -> {
          assertThat(firstMetrics.registry().scrape())
              .contains("route=\"/v1/bills/:billId\"").doesNotContain("route=\"/v1/events\"");
          assertThat(secondMetrics.registry().scrape())
              .contains("route=\"/v1/events\"").doesNotContain("route=\"/v1/bills/:billId\"");
          first.close().compose(closed -> second.close()).onComplete(closed -> {
            firstMetrics.close();
            secondMetrics.close();
            testContext.completeNow();
          });
        })));
  }

  private static Future<?> serveAndCall(Vertx vertx, String route, String path) {
    Router router = Router.router(vertx);
    router.get(route).handler(ctx -> ctx.end("ok"));
    return vertx.createHttpServer().requestHandler(router).listen(0)
        .compose(server -> WebClient.create(vertx).get(server.actualPort(), "localhost", path).send());
  }
}
