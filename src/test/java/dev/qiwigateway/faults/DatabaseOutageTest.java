package dev.qiwigateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.db.PostgresUrl;
import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL becomes unreachable under a running gateway (a TCP proxy between the two is cut), then
 * comes back. The gateway must say it cannot work (503 {@code unavailable}, not ready), change
 * nothing, and take payments again by itself once the database answers.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A gateway whose database becomes unreachable refuses payments cleanly and recovers by itself")
class DatabaseOutageTest {

  private DatabaseLink link;
  private GatewayHarness.TestGateway gateway;
  private MerchantApi api;
  private SandboxAdmin sandbox;
  private WebClient http;
  /** Straight to PostgreSQL, past the proxy: how the test sees what was really written. */
  private Pool direct;

  @BeforeEach
  void startBehindLink(Vertx vertx, VertxTestContext ctx) {
    JsonObject settings = GatewayHarness.settings(getClass().getSimpleName())
        // a request whose lease could not be released while the database was away is resumable soon
        .put("IDEMPOTENCY_LEASE_MS", "1000")
        .put("IDEMPOTENCY_COMPLETER_PERIOD_MS", "200");
    PgConnectOptions database = PgConnectOptions.fromUri(settings.getString("PG_URL"));
    direct = PgBuilder.pool().connectingTo(database).using(vertx).build();
    http = WebClient.create(vertx);
    link = new DatabaseLink(vertx, database.getHost(), database.getPort());
    link.start()
        .compose(started -> GatewayHarness.start(settings.put("PG_URL",
            PostgresUrl.of("127.0.0.1", started.port(), database.getDatabase(), database.getUser(), null))))
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          api = MerchantApi.of(vertx, started.running().httpPort());
          sandbox = new SandboxAdmin(vertx, started.running().services().config().qiwi().baseUrl());
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    link.heal()
        .compose(healed -> gateway == null ? Future.<Void>succeededFuture() : gateway.close())
        .eventually(() -> link.close())
        .eventually(() -> direct.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("while PostgreSQL is unreachable the API answers 503 unavailable and QIWI error 13; healed, the same requests succeed once")
  void outageThenRecovery(Vertx vertx, VertxTestContext ctx) {
    JsonObject newBill = MerchantApi.bill(null, "15.00");
    List<String> billIds = new ArrayList<>();
    api.post("/v1/bills", "before-outage", MerchantApi.bill("pg-before", "10.00"))
        .compose(created -> {
          ctx.verify(() -> assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201));
          return link.cut();
        })
        .compose(cut -> management("/health/live"))
        .compose(live -> {
          ctx.verify(() -> assertThat(live.statusCode()).as("liveness does not depend on the database").isEqualTo(200));
          return management("/health/ready");
        })
        .compose(ready -> {
          ctx.verify(() -> {
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(failingChecks(ready.bodyAsJsonObject())).containsExactly("database");
          });
          return eachUnavailable(ctx, List.of(
              () -> api.post("/v1/bills", "during-outage", newBill),
              () -> api.get("/v1/bills/pg-before"),
              () -> api.get("/v1/bills/pg-before?refresh=true"),
              () -> api.post("/v1/bills/pg-before/cancel", "cancel-during-outage", null),
              () -> api.post("/v1/bills/pg-before/refunds", "refund-during-outage",
                  new JsonObject().put("refundId", "r1").put("amount", "1.00")),
              () -> api.get("/v1/bills/pg-before/refunds"),
              () -> api.get("/v1/events"),
              () -> api.post("/v1/events/evt_unknown/redeliver", null, null)));
        })
        .compose(allRefused -> new PaidNotification("pg-before", "10.00").sendTo(http, gateway.running().httpPort()))
        .compose(notified -> {
          ctx.verify(() -> {
            assertThat(notified.statusCode()).as(notified.bodyAsString()).isEqualTo(503);
            assertThat(PaidNotification.resultCode(notified)).isEqualTo(13);
          });
          return link.heal().compose(healed -> Eventually.until(vertx, "the gateway is ready again",
              () -> management("/health/ready").map(ready -> ready.statusCode() == 200)));
        })
        .compose(ready -> api.post("/v1/bills", "during-outage", newBill))
        .compose(issued -> {
          ctx.verify(() -> assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201));
          billIds.add(issued.bodyAsJsonObject().getString("billId"));
          return api.post("/v1/bills", "during-outage", newBill);
        })
        .compose(replayed -> {
          ctx.verify(() -> {
            assertThat(replayed.statusCode()).isEqualTo(201);
            assertThat(replayed.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replayed.bodyAsJsonObject().getString("billId")).isEqualTo(billIds.get(0));
          });
          return new PaidNotification("pg-before", "10.00").sendTo(http, gateway.running().httpPort());
        })
        .compose(notified -> {
          ctx.verify(() -> {
            assertThat(notified.statusCode()).as(notified.bodyAsString()).isEqualTo(200);
            assertThat(PaidNotification.resultCode(notified)).isZero();
          });
          return api.get("/v1/bills/pg-before");
        })
        .compose(read -> {
          ctx.verify(() -> assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("paid"));
          return sandboxBills();
        })
        .compose(atQiwi -> {
          ctx.verify(() -> assertThat(atQiwi).as("bills at QIWI").containsExactlyInAnyOrder("pg-before", billIds.get(0)));
          return sandbox.bill(billIds.get(0));
        })
        .compose(atQiwi -> {
          ctx.verify(() -> assertThat(atQiwi.getInteger("issueRequests"))
              .as("a request refused for the database never reached QIWI").isEqualTo(1));
          return assertNothingHalfWritten(ctx);
        })
        .compose(consistent -> number("SELECT count(*) FROM idempotency_key WHERE idem_key LIKE '%-during-outage' "
            + "AND idem_key <> 'during-outage'"))
        .compose(cancelKeys -> {
          ctx.verify(() -> assertThat(cancelKeys).as("the refused cancel and refund stored nothing").isZero());
          return number("SELECT count(*) FROM notification_inbox WHERE bill_id = 'pg-before'");
        })
        .onComplete(ctx.succeeding(inboxRows -> ctx.verify(() -> {
          assertThat(inboxRows).as("the refused notification left no row; its redelivery one").isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill QIWI issued while the database went away is recorded once, by the retry with the same key")
  void outageDuringIssue(Vertx vertx, VertxTestContext ctx) {
    JsonObject body = MerchantApi.bill(null, "20.00");
    String[] reserved = new String[1];
    // QIWI takes its time: the database goes away while the PUT is on its way back.
    sandbox.fault(new JsonObject().put("fault", "latency").put("latencyMs", 1500)
            .put("operations", new JsonArray().add("issue")).put("count", 1))
        .compose(slow -> {
          Future<HttpResponse<Buffer>> first = api.post("/v1/bills", "mid-issue", body);
          return Eventually.until(vertx, "the bill is reserved before QIWI is asked",
                  () -> direct.query("SELECT bill_id FROM bill WHERE issue_state = 'pending'").execute()
                      .map(rows -> {
                        rows.forEach(row -> reserved[0] = row.getString(0));
                        return rows.size() == 1;
                      }))
              .compose(pending -> link.cut())
              .compose(cut -> first);
        })
        .compose(first -> {
          ctx.verify(() -> assertUnavailable(first));
          return link.heal().compose(healed -> Eventually.until(vertx, "the gateway is ready again",
              () -> management("/health/ready").map(ready -> ready.statusCode() == 200)));
        })
        .compose(ready -> retryUntilCreated("mid-issue", body, 40))
        .compose(created -> {
          ctx.verify(() -> assertThat(created.bodyAsJsonObject().getString("billId"))
              .as("the retry resumes the reserved bill, it does not make another").isEqualTo(reserved[0]));
          return sandboxBills();
        })
        .compose(atQiwi -> {
          ctx.verify(() -> assertThat(atQiwi).containsExactly(reserved[0]));
          return assertNothingHalfWritten(ctx);
        })
        .compose(consistent -> number("SELECT count(*) FROM event WHERE type = 'bill.waiting'"))
        .onComplete(ctx.succeeding(waitingEvents -> ctx.verify(() -> {
          assertThat(waitingEvents).as("bill.waiting events").isEqualTo(1);
          ctx.completeNow();
        })));
  }

  /** Sends each request in turn; every one must be refused as 503 unavailable. */
  private Future<Void> eachUnavailable(VertxTestContext ctx, List<Supplier<Future<HttpResponse<Buffer>>>> requests) {
    Future<Void> chain = Future.succeededFuture();
    for (Supplier<Future<HttpResponse<Buffer>>> request : requests) {
      chain = chain.compose(previous -> request.get()).map(response -> {
        ctx.verify(() -> assertUnavailable(response));
        return null;
      });
    }
    return chain;
  }

  /** The checkout's retry loop: same key and body, waiting out a lease the outage left behind. */
  private Future<HttpResponse<Buffer>> retryUntilCreated(String key, JsonObject body, int attemptsLeft) {
    return api.post("/v1/bills", key, body).compose(response -> {
      if (response.statusCode() == 201) {
        return Future.succeededFuture(response);
      }
      assertThat(response.bodyAsJsonObject().getString("code")).as(response.bodyAsString())
          .isEqualTo("idempotency_key_in_use");
      if (attemptsLeft == 0) {
        return Future.failedFuture(new AssertionError("never created: " + response.bodyAsString()));
      }
      return gateway.vertx().timer(100).compose(t -> retryUntilCreated(key, body, attemptsLeft - 1));
    });
  }

  /**
   * What a half-done write would leave behind, counted in the database itself: an issued bill without
   * its first event, a paid bill without its event or its inbox row, a completed issue whose bill is
   * not issued, a key still held after everything was answered.
   */
  private Future<Void> assertNothingHalfWritten(VertxTestContext ctx) {
    return number("SELECT count(*) FROM bill b WHERE b.issue_state = 'issued' AND NOT EXISTS "
        + "(SELECT 1 FROM event e WHERE e.bill_id = b.bill_id AND e.type = 'bill.waiting')")
        .compose(issuedWithoutEvent -> {
          ctx.verify(() -> assertThat(issuedWithoutEvent).as("issued bills without bill.waiting").isZero());
          return number("SELECT count(*) FROM bill b WHERE b.status = 'paid' AND (NOT EXISTS "
              + "(SELECT 1 FROM event e WHERE e.bill_id = b.bill_id AND e.type = 'bill.paid') OR NOT EXISTS "
              + "(SELECT 1 FROM notification_inbox n WHERE n.bill_id = b.bill_id AND n.verdict = 'applied'))");
        })
        .compose(paidWithoutTrace -> {
          ctx.verify(() -> assertThat(paidWithoutTrace).as("paid bills without event or inbox row").isZero());
          return number("SELECT count(*) FROM idempotency_key k WHERE k.operation = 'issue_bill' "
              + "AND k.state = 'completed' AND k.response_status = 201 AND NOT EXISTS "
              + "(SELECT 1 FROM bill b WHERE b.bill_id = k.resource_id AND b.issue_state = 'issued')");
        })
        .compose(completedWithoutBill -> {
          ctx.verify(() -> assertThat(completedWithoutBill).as("keys completed without an issued bill").isZero());
          return number("SELECT count(*) FROM idempotency_key WHERE state = 'in_progress'");
        })
        .compose(held -> {
          ctx.verify(() -> assertThat(held).as("keys still in progress").isZero());
          return number("SELECT count(*) FROM event e WHERE NOT EXISTS (SELECT 1 FROM bill b "
              + "WHERE b.bill_id = e.bill_id AND b.issue_state = 'issued')");
        })
        .map(orphanEvents -> {
          ctx.verify(() -> assertThat(orphanEvents).as("events of bills that were never issued").isZero());
          return null;
        });
  }

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("unavailable");
    assertThat(response.getHeader("Retry-After")).as("Retry-After").isNotNull();
    assertThat(Integer.parseInt(response.getHeader("Retry-After"))).isPositive();
  }

  private static List<String> failingChecks(JsonObject report) {
    List<String> failing = new ArrayList<>();
    report.getJsonArray("checks").forEach(check -> {
      JsonObject json = (JsonObject) check;
      if (!"UP".equals(json.getString("status"))) {
        failing.add(json.getString("name"));
      }
    });
    return failing;
  }

  private Future<HttpResponse<Buffer>> management(String path) {
    return http.get(gateway.running().managementPort(), "127.0.0.1", path).send();
  }

  private Future<List<String>> sandboxBills() {
    return http.getAbs(gateway.running().services().config().qiwi().baseUrl() + "/sandbox/bills").send()
        .map(response -> {
          List<String> ids = new ArrayList<>();
          response.bodyAsJsonObject().getJsonArray("bills")
              .forEach(bill -> ids.add(((JsonObject) bill).getString("billId")));
          return ids;
        });
  }

  private Future<Long> number(String sql) {
    return direct.query(sql).execute().map(rows -> {
      Row row = rows.iterator().next();
      return row.getLong(0);
    });
  }
}
