package dev.qiwigateway.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness.TestGateway;
import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Grafana dashboard only helps if its queries name series the gateway really exports: a renamed meter
 * would leave an empty panel during an incident. This starts a whole gateway (webhooks on, so the outbox
 * meters exist), issues one bill at the in-process sandbox, scrapes /metrics and looks up every series the
 * dashboard uses.
 */
@ExtendWith(VertxExtension.class)
class DashboardMetricsTest {

  private static final Path DASHBOARD = Path.of("k8s/dashboards/qiwi-gateway.json");
  /** Series names in PromQL: the gateway's own, Vert.x's, Resilience4j's and the JVM's. */
  private static final Pattern SERIES = Pattern.compile("\\b((?:qiwi|webhook|vertx|resilience4j|jvm|process)_[a-z0-9_]+)\\b");

  private TestGateway gateway;

  @BeforeEach
  void startGatewayWithWebhooks(VertxTestContext ctx) {
    JsonObject settings = GatewayHarness.settings("dashboard_metrics")
        .put("WEBHOOK_URL", "http://127.0.0.1:9/hooks")
        .put("WEBHOOK_SECRET", TestSecrets.WEBHOOK_SECRET);
    GatewayHarness.start(settings).onComplete(ctx.succeeding(started -> {
      gateway = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopGateway(VertxTestContext ctx) {
    gateway.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 2, timeUnit = TimeUnit.MINUTES) // an upper bound: the embedded PostgreSQL may start cold
  @DisplayName("every series on the payments dashboard is one the running gateway exports")
  void dashboardQueriesNameExportedSeries(Vertx vertx, VertxTestContext ctx) throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
    Set<String> queried = seriesIn(dashboard);
    assertThat(queried).as("series the dashboard queries").hasSizeGreaterThan(15);

    // One bill issued at the in-process sandbox: the merchant API, QIWI client and database meters all get a sample.
    MerchantApi api = MerchantApi.of(vertx, gateway.running().httpPort());
    api.post("/v1/bills", "dashboard-probe", MerchantApi.bill("dashboard-probe", "10.00"))
        .compose(issued -> {
          assertThat(issued.statusCode()).as("bill issued").isEqualTo(201);
          return WebClient.create(vertx).get(gateway.running().managementPort(), "127.0.0.1", "/metrics").send();
        })
        .onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
          Set<String> exported = scrape.bodyAsString().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
              .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
          assertThat(exported).as("series exported by the gateway").containsAll(queried);
          ctx.completeNow();
        })));
  }

  private static Set<String> seriesIn(JsonObject dashboard) {
    Set<String> series = new TreeSet<>();
    JsonArray panels = dashboard.getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonArray targets = panels.getJsonObject(i).getJsonArray("targets", new JsonArray());
      for (int t = 0; t < targets.size(); t++) {
        collect(targets.getJsonObject(t).getString("expr", ""), series);
      }
    }
    JsonArray variables = dashboard.getJsonObject("templating").getJsonArray("list");
    for (int i = 0; i < variables.size(); i++) {
      collect(String.valueOf(variables.getJsonObject(i).getValue("definition", "")), series);
    }
    return series;
  }

  private static void collect(String promql, Set<String> into) {
    Matcher m = SERIES.matcher(promql);
    while (m.find()) {
      into.add(m.group(1));
    }
  }
}
