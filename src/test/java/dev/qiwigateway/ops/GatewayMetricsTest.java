package dev.qiwigateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import java.util.stream.Stream;

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

  @Test
  @DisplayName("Methods and paths a client invents do not grow the metrics: OTHER and one unmatched route")
  void clientChosenLabelsStayBounded(VertxTestContext testContext) {
    GatewayMetrics metrics = GatewayMetrics.create();
    Vertx vertx = GatewayMetrics.vertxBuilder(new VertxOptions(), metrics.registry()).build();
    Router router = Router.router(vertx);
    router.get("/v1/bills/:billId").handler(ctx -> ctx.end("ok"));
    WebClient client = WebClient.create(vertx);
    vertx.createHttpServer().requestHandler(router).listen(0)
        .compose(server -> Future.join(Stream.of("BREW1", "BREW2", "PROPFIND", "GET")
            .map(method -> client.request(HttpMethod.valueOf(method), server.actualPort(), "localhost",
                "/nowhere/" + method).send())
            .toList()))
        .onComplete(testContext.succeeding(ignored -> testContext.verify(() -> {
          String scrape = metrics.registry().scrape();
          assertThat(scrape).doesNotContain("BREW1").doesNotContain("BREW2").doesNotContain("PROPFIND")
              .contains("method=\"OTHER\"").contains("method=\"GET\"").contains("route=\"unmatched\"")
              .doesNotContain("route=\"\"");
          vertx.close().onComplete(closed -> {
            metrics.close();
            testContext.completeNow();
          });
        })));
  }
}
