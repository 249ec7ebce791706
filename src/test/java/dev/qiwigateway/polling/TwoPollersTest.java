package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.SandboxSettings;
import dev.qiwigateway.sandbox.SandboxVerticle;
import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas on one database, both polling busily, in front of one QIWI whose status answers take a
 * while: the recorder between them and QIWI sees every status request of every bill.
 */
@ExtendWith(VertxExtension.class)
class TwoPollersTest {

  private static final int BILLS = 30;
  private static final int CHECKS_EACH = 3;

  private SandboxVerticle qiwi;
  private StatusCallRecorder recorder;
  private GatewayHarness.TestGateway first;
  private GatewayHarness.TestGateway second;

  @BeforeEach
  void startReplicas(Vertx vertx, VertxTestContext ctx) {
    qiwi = new SandboxVerticle(SandboxSettings.defaults(TestSecrets.sandboxCredentials()));
    vertx.deployVerticle(qiwi)
        .compose(deployed -> StatusCallRecorder.start(vertx, qiwi.actualPort()))
        .compose(started -> {
          recorder = started;
          return GatewayHarness.start(replicaSettings(GatewayHarness.settings("two-pollers")));
        })
        .compose(started -> {
          first = started;
          String sharedDatabase = started.running().services().config().database().url();
          return GatewayHarness.start(replicaSettings(GatewayHarness.settings("two-pollers-b"))
              .put("PG_URL", sharedDatabase));
        })
        .onComplete(ctx.succeeding(started -> {
          second = started;
          ctx.completeNow();
        }));
  }

  /** Busy pollers: small batches, short rounds, every bill due again 100 ms after its last check. */
  private JsonObject replicaSettings(JsonObject settings) {
    return settings
        .put("QIWI_BASE_URL", recorder.baseUrl())
        .put("QIWI_PAY_URL", qiwi.payUrl())
        .put("POLL_INTERVAL_MS", "20")
        .put("POLL_BATCH", "4")
        .put("POLL_CONCURRENCY", "4")
        .put("POLL_BILL_FIRST_DELAY_MS", "50")
        .put("POLL_BILL_MAX_INTERVAL_MS", "100");
  }

  @AfterEach
  void stopReplicas(Vertx vertx, VertxTestContext ctx) {
    Future.join(second.close(), first.close())
        .compose(closed -> recorder.close())
        .compose(closed -> vertx.undeploy(qiwi.deploymentID()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("two replicas share the waiting bills' checks and never check the same bill at the same time")
  void neverCheckTheSameBillAtOnce(Vertx vertx, VertxTestContext ctx) {
    SandboxAdmin admin = new SandboxAdmin(vertx, qiwi.baseUrl());
    MerchantApi api = MerchantApi.of(vertx, first.running().httpPort());
    admin.fault(new JsonObject().put("fault", "latency").put("latencyMs", 100)
            .put("operations", new JsonArray().add("status")))
        .compose(slow -> issueAll(api))
        .compose(issued -> Eventually.until(vertx, "every bill was checked " + CHECKS_EACH + " times",
            PollerTestBase.PATIENCE,
            () -> Future.succeededFuture(everyBillChecked() || !recorder.overlapped().isEmpty())))
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(recorder.overlapped()).as("bills with two status requests in flight at once").isEmpty();
          assertThat(checks(first)).as("checks by the first replica").isPositive();
          assertThat(checks(second)).as("checks by the second replica").isPositive();
          ctx.completeNow();
        })));
  }

  private Future<Void> issueAll(MerchantApi api) {
    List<Future<?>> issued = new ArrayList<>();
    for (int i = 0; i < BILLS; i++) {
      String billId = "two-pollers-" + i;
      issued.add(api.post("/v1/bills", "issue-" + billId, MerchantApi.bill(billId, "10.00")).map(created -> {
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
        return created;
      }));
    }
    return Future.all(issued).mapEmpty();
  }

  private boolean everyBillChecked() {
    Map<String, Integer> calls = recorder.calls();
    for (int i = 0; i < BILLS; i++) {
      if (calls.getOrDefault("two-pollers-" + i, 0) < CHECKS_EACH) {
        return false;
      }
    }
    return true;
  }

  private static double checks(GatewayHarness.TestGateway replica) {
    return PollerTestBase.polls(replica.running().services().registry(), "bill", "unchanged");
  }
}
