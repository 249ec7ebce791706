package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.config.DatabaseSettings;
import dev.qiwigateway.db.Database;
import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A replica stopped in the middle of a round: the database, read afterwards, shows what it left behind. */
@ExtendWith(VertxExtension.class)
class PollerShutdownTest {

  private static final int BILLS = 5;

  private Pool db;
  private long checksBeforeStop;

  @AfterEach
  void closeDatabase(VertxTestContext ctx) {
    (db == null ? Future.<Void>succeededFuture() : db.close()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a stopping replica finishes the check in flight and gives back the bills it claimed but did not check")
  void stopReleasesLeases(Vertx vertx, VertxTestContext ctx) {
    // Checks take 1.5 s at QIWI and run one at a time, so a round holds several claims for seconds.
    JsonObject settings = GatewayHarness.settings("poller-shutdown")
        .put("POLL_INTERVAL_MS", "50")
        .put("POLL_BATCH", "20")
        .put("POLL_CONCURRENCY", "1")
        .put("POLL_BILL_FIRST_DELAY_MS", "1000");
    db = Database.pool(vertx, new DatabaseSettings(settings.getString("PG_URL"), 2));
    GatewayHarness.start(settings)
        .compose(gateway -> {
          SandboxAdmin qiwi = new SandboxAdmin(vertx, gateway.running().services().config().qiwi().baseUrl());
          MerchantApi api = MerchantApi.of(vertx, gateway.running().httpPort());
          return qiwi.fault(new JsonObject().put("fault", "latency").put("latencyMs", 1500)
                  .put("operations", new JsonArray().add("status")))
              .compose(slow -> issueAll(api))
              .compose(issued -> Eventually.until(vertx, "a round holds several claims", PollerTestBase.PATIENCE,
                  () -> claimsAndChecks().map(seen -> seen[0] >= 2)))
              // Under load an earlier round may already have checked a bill: count from here.
              .compose(claimed -> claimsAndChecks())
              .compose(seen -> {
                checksBeforeStop = seen[1];
                return gateway.close();
              });
        })
        .compose(stopped -> db.query("SELECT poll_attempts, poll_lease_until, next_poll_at FROM bill").execute())
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          long checked = 0;
          for (Row row : rows) {
            assertThat(row.getValue("poll_lease_until")).as("a lease left behind").isNull();
            assertThat(row.getValue("next_poll_at")).isNotNull();
            checked += row.getInteger("poll_attempts");
          }
          assertThat(rows.size()).isEqualTo(BILLS);
          // The check in flight is recorded. At most one more: the in-flight check may end in the
          // instant between the count above and the stop, and the round then starts its next one.
          assertThat(checked - checksBeforeStop).as("checks recorded after the round was seen holding claims")
              .isBetween(1L, 2L);
          ctx.completeNow();
        })));
  }

  /** Leases held and checks recorded, read in one statement so that the two agree. */
  private Future<long[]> claimsAndChecks() {
    return db.query("SELECT count(*) FILTER (WHERE poll_lease_until IS NOT NULL), coalesce(sum(poll_attempts), 0) FROM bill")
        .execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          return new long[] {row.getLong(0), row.getLong(1)};
        });
  }

  private static Future<Void> issueAll(MerchantApi api) {
    List<Future<?>> issued = new ArrayList<>();
    for (int i = 0; i < BILLS; i++) {
      issued.add(api.post("/v1/bills", "issue-" + i, MerchantApi.bill("poll-stop-" + i, "10.00")));
    }
    return Future.all(issued).mapEmpty();
  }
}
