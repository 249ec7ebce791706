package dev.qiwigateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Drives every implemented operation of the merchant API through the real gateway, success and error
 * answers alike, and holds each answer (status, declared headers, body) to openapi.yaml. When all tests
 * of the class ran, every response the document declares for those operations must have been seen.
 */
class MerchantApiConformanceTest extends GatewayTestBase {

  /** Implemented operations; the events feed (docs/api.md#events) is documented but comes later. */
  private static final Set<String> IMPLEMENTED = Set.of("issueBill", "getBill", "cancelBill", "refundBill",
      "listRefunds", "getRefund");

  private static ApiContract contract;
  private static final AtomicInteger testsPassed = new AtomicInteger();

  @RegisterExtension
  static final TestWatcher PASSES = new TestWatcher() {
    @Override
    public void testSuccessful(ExtensionContext context) {
      testsPassed.incrementAndGet();
    }
  };

  @Override
  protected JsonObject settings() {
    // The sandbox refuses GBP with result code 1001: a final refusal to answer as provider_rejected.
    return super.settings().put("CURRENCIES", "RUB,GBP");
  }

  @BeforeAll
  static void loadContract(Vertx vertx, VertxTestContext ctx) {
    ApiContract.load(vertx).onComplete(ctx.succeeding(loaded -> {
      contract = loaded;
      ctx.completeNow();
    }));
  }

  /** Only meaningful when every test ran and passed: a single test run by name sees only its own answers. */
  @AfterAll
  static void everyDocumentedAnswerWasSeen() {
    long tests = Arrays.stream(MerchantApiConformanceTest.class.getDeclaredMethods())
        .filter(method -> method.isAnnotationPresent(Test.class)).count();
    if (testsPassed.get() < tests) {
      return;
    }
    Set<String> unseen = contract.documentedResponses(IMPLEMENTED);
    unseen.removeAll(contract.seen());
    assertThat(unseen).as("documented answers no test provoked").isEmpty();
  }

  @Test
  @DisplayName("issuing, reading and cancelling a bill answer as openapi.yaml says, refusals included")
  void billLifecycle(VertxTestContext ctx) {
    String expiresAt = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonObject bill = MerchantApi.bill("doc-1", "1499.00").put("expiresAt", expiresAt).put("paySource", "mobile")
        .put("providerName", "Marketplace").put("successUrl", "https://shop.example/ok")
        .put("failUrl", "https://shop.example/fail");
    JsonObject invalid = new JsonObject().put("billId", "no spaces allowed").put("amount", "1.5").put("currency", "XXX")
        .put("customer", "79161234567").put("comment", "").put("expiresAt", "yesterday").put("paySource", "card")
        .put("successUrl", "ftp://shop.example");
    post("/v1/bills", "doc-k1", bill, 201, null)
        .map(created -> {
          assertThat(created.getString("billId")).isEqualTo("doc-1");
          return created;
        })
        .compose(created -> replayed(post("/v1/bills", "doc-k1", bill), 201))
        .compose(v -> get("/v1/bills/doc-1", 200, null))
        .compose(v -> get("/v1/bills/doc-1?refresh=true", 200, null))
        .compose(v -> get("/v1/bills/doc-1?refresh=maybe", 400, "validation_failed"))
        .compose(v -> get("/v1/bills/unknown-bill", 404, "bill_not_found"))
        .compose(v -> post("/v1/bills", "doc-k2", invalid, 400, "validation_failed"))
        .map(problem -> {
          assertThat(problem.getJsonArray("errors")).hasSizeGreaterThanOrEqualTo(8);
          return problem;
        })
        .compose(v -> post("/v1/bills", "doc-k3", bill, 409, "bill_exists"))
        .compose(v -> post("/v1/bills", "doc-k1", MerchantApi.bill("doc-1", "1.00"), 422, "idempotency_key_reused"))
        .compose(v -> post("/v1/bills/doc-1/cancel", "doc-c1", null, 200, null))
        .map(cancelled -> {
          assertThat(cancelled.getString("status")).isEqualTo("rejected");
          return cancelled;
        })
        .compose(v -> replayed(post("/v1/bills/doc-1/cancel", "doc-c1", null), 200))
        .compose(v -> post("/v1/bills/doc-1/cancel", "doc-c2", null, 409, "bill_not_cancellable"))
        .map(refused -> {
          assertThat(refused.getString("billStatus")).isEqualTo("rejected");
          return refused;
        })
        .compose(v -> post("/v1/bills/doc-1/cancel", "doc-k1", null, 422, "idempotency_key_reused"))
        .compose(v -> post("/v1/bills/unknown-bill/cancel", "doc-c3", null, 404, "bill_not_found"))
        .compose(v -> get("/v1/bills/doc-1?refresh=true", 200, null))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("refunding a paid bill answers as openapi.yaml says, refusals included")
  void refunds(VertxTestContext ctx) {
    JsonObject r1 = new JsonObject().put("refundId", "r1").put("amount", "600.00");
    post("/v1/bills", "ref-k1", MerchantApi.bill("ref-1", "1000.00"), 201, null)
        .compose(v -> post("/v1/bills/ref-1/refunds", "ref-k2", new JsonObject().put("amount", "1.00"), 409,
            "bill_not_refundable"))
        .map(refused -> {
          assertThat(refused.getString("billStatus")).isEqualTo("waiting");
          return refused;
        })
        .compose(v -> sandbox.pay("ref-1"))
        .compose(v -> get("/v1/bills/ref-1?refresh=true", 200, null))
        .compose(v -> post("/v1/bills/ref-1/refunds", "ref-k3",
            new JsonObject().put("refundId", "r-1").put("amount", "-1"), 400, "validation_failed"))
        .compose(v -> post("/v1/bills/ref-1/refunds", "ref-k4", r1, 201, null))
        .compose(v -> replayed(post("/v1/bills/ref-1/refunds", "ref-k4", r1), 201))
        .compose(v -> post("/v1/bills/ref-1/refunds", "ref-k5", r1.copy().put("amount", "1.00"), 409, "refund_exists"))
        .compose(v -> post("/v1/bills/ref-1/refunds", "ref-k6", new JsonObject().put("amount", "400.01"), 422,
            "refund_exceeds_paid"))
        .compose(v -> sandbox.fault(new JsonObject().put("fault", "result").put("resultCode", 241)
            .put("operations", List.of("refund")).put("count", 1)))
        .compose(v -> post("/v1/bills/ref-1/refunds", "ref-k7", new JsonObject().put("amount", "1.00"), 422,
            "provider_rejected"))
        .map(refused -> {
          assertThat(refused.getValue("providerCode")).isEqualTo(241);
          return refused;
        })
        .compose(v -> get("/v1/bills/ref-1/refunds", 200, null))
        .map(list -> {
          assertThat(list.getJsonArray("data")).hasSize(1);
          return list;
        })
        .compose(v -> get("/v1/bills/ref-1/refunds/r1", 200, null))
        .compose(v -> get("/v1/bills/ref-1/refunds/r1?refresh=true", 200, null))
        .compose(v -> sandbox.settleRefund("ref-1", "r1", "success"))
        .compose(v -> get("/v1/bills/ref-1/refunds/r1?refresh=true", 200, null))
        .compose(v -> get("/v1/bills/ref-1", 200, null))
        .map(paid -> {
          assertThat(paid.getString("refunded")).isEqualTo("600.00");
          return paid;
        })
        .compose(v -> get("/v1/bills/ref-1/refunds/r1?refresh=yes", 400, "validation_failed"))
        .compose(v -> get("/v1/bills/ref-1/refunds/r404", 404, "refund_not_found"))
        .compose(v -> get("/v1/bills/unknown-bill/refunds/r1", 404, "bill_not_found"))
        .compose(v -> get("/v1/bills/unknown-bill/refunds", 404, "bill_not_found"))
        .compose(v -> post("/v1/bills/unknown-bill/refunds", "ref-k8", new JsonObject().put("amount", "1.00"), 404,
            "bill_not_found"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("requests the gateway cannot take are refused as openapi.yaml says, on every operation")
  void refusedRequests(Vertx vertx, VertxTestContext ctx) {
    List<String> posts = List.of("/v1/bills", "/v1/bills/any-bill/cancel", "/v1/bills/any-bill/refunds");
    List<String> gets = List.of("/v1/bills/any-bill", "/v1/bills/any-bill/refunds", "/v1/bills/any-bill/refunds/r1");
    Buffer tooLarge = Buffer.buffer("{\"comment\":\"" + "x".repeat(70 * 1024) + "\"}");
    Future<Void> chain = Future.succeededFuture();
    for (String path : posts) {
      chain = chain
          .compose(v -> send(HttpMethod.POST, path, null, unauthenticated(HttpMethod.POST, path).send(), 401, "unauthorized"))
          .compose(v -> send(HttpMethod.POST, path, null,
              new MerchantApi(vertx, gateway.running().httpPort(), "not-a-token").post(path, "key", new JsonObject()),
              401, "unauthorized"))
          .compose(v -> send(HttpMethod.POST, path, null, withKey(HttpMethod.POST, path, "big")
              .putHeader("Content-Type", "application/json").sendBuffer(tooLarge), 413, "payload_too_large"))
          .compose(v -> send(HttpMethod.POST, path, null, withKey(HttpMethod.POST, path, "text")
              .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("amount=1.00")), 415,
              "unsupported_media_type"))
          .compose(v -> send(HttpMethod.POST, path, null, withKey(HttpMethod.POST, path, "dup")
              .putHeader("Content-Type", "application/json")
              .sendBuffer(Buffer.buffer("{\"amount\":\"1.00\",\"amount\":\"2.00\"}")), 400, "malformed_request"))
          .compose(v -> send(HttpMethod.POST, path, null, api.raw(HttpMethod.POST, path)
              .sendJsonObject(MerchantApi.bill(null, "1.00")), 400, "idempotency_key_invalid"))
          .compose(v -> send(HttpMethod.POST, path, null, withKey(HttpMethod.POST, path, "once")
              .putHeader("Idempotency-Key", List.of("once", "twice")).sendJsonObject(MerchantApi.bill(null, "1.00")),
              400, "idempotency_key_invalid"))
          .mapEmpty();
    }
    for (String path : gets) {
      chain = chain
          .compose(v -> send(HttpMethod.GET, path, null, unauthenticated(HttpMethod.GET, path).send(), 401, "unauthorized"))
          .mapEmpty();
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a retry while the first request is still at QIWI is told its key is in use, then the bill is issued once")
  void keyInUse(Vertx vertx, VertxTestContext ctx) {
    JsonObject bill = MerchantApi.bill("busy-1", "10.00");
    sandbox.fault(new JsonObject().put("fault", "latency").put("latencyMs", 1500).put("operations", List.of("issue"))
            .put("count", 1))
        .compose(v -> {
          Future<JsonObject> first = post("/v1/bills", "busy-key", bill, 201, null);
          return claimed(vertx, "busy-key", 100)
              .compose(claimed -> post("/v1/bills", "busy-key", bill, 409, "idempotency_key_in_use"))
              .compose(inUse -> first);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @FreshGateway("fails QIWI calls of every operation, which stay in the circuits' windows and the retry budget")
  @DisplayName("QIWI refusing, failing or unreachable is answered as openapi.yaml says")
  void providerTrouble(VertxTestContext ctx) {
    JsonObject pounds = MerchantApi.bill("gbp-1", "10.00").put("currency", "GBP");
    JsonObject outage = new JsonObject().put("fault", "http5xx").put("status", 503);
    post("/v1/bills", "pt-k1", pounds, 422, "provider_rejected")
        .map(refused -> {
          assertThat(refused.getValue("providerCode")).isEqualTo(1001);
          return refused;
        })
        .compose(v -> replayed(post("/v1/bills", "pt-k1", pounds), 422))
        .compose(v -> sandbox.fault(outage.copy().put("operations", List.of("issue"))))
        .compose(v -> post("/v1/bills", "pt-k2", MerchantApi.bill("down-1", "10.00"), 503, "provider_unavailable"))
        .compose(v -> sandbox.clearFaults())
        .compose(v -> post("/v1/bills", "pt-k2", MerchantApi.bill("down-1", "10.00"), 201, null))
        .compose(v -> sandbox.fault(outage.copy().put("operations", List.of("status"))))
        .compose(v -> get("/v1/bills/down-1?refresh=true", 200, null))
        .map(stale -> {
          assertThat(stale.getBoolean("stale")).isTrue();
          return stale;
        })
        .compose(v -> sandbox.fault(outage.copy().put("operations", List.of("cancel"))))
        .compose(v -> post("/v1/bills/down-1/cancel", "pt-k3", null, 503, "provider_unavailable"))
        .compose(v -> sandbox.clearFaults())
        .compose(v -> sandbox.pay("down-1"))
        .compose(v -> get("/v1/bills/down-1?refresh=true", 200, null))
        .compose(v -> sandbox.fault(outage.copy().put("operations", List.of("refund"))))
        .compose(v -> post("/v1/bills/down-1/refunds", "pt-k4", new JsonObject().put("refundId", "d1").put("amount", "5.00"),
            503, "provider_unavailable"))
        .compose(v -> sandbox.clearFaults())
        .compose(v -> post("/v1/bills/down-1/refunds", "pt-k4", new JsonObject().put("refundId", "d1").put("amount", "5.00"),
            201, null))
        .compose(v -> sandbox.fault(outage.copy().put("operations", List.of("refundStatus"))))
        .compose(v -> get("/v1/bills/down-1/refunds/d1?refresh=true", 200, null))
        .map(stale -> {
          assertThat(stale.getBoolean("stale")).isTrue();
          return stale;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @FreshGateway("closes its gateway's database pool, and counts every request that reached QIWI")
  @DisplayName("a gateway that lost its database answers 503 unavailable as openapi.yaml says, and takes nothing")
  void databaseOutage(VertxTestContext ctx) {
    // A closed pool fails every query as an unreachable database does.
    db().close()
        .compose(v -> get("/v1/bills/any-bill", 503, "unavailable"))
        .compose(v -> get("/v1/bills/any-bill/refunds", 503, "unavailable"))
        .compose(v -> get("/v1/bills/any-bill/refunds/r1", 503, "unavailable"))
        .compose(v -> post("/v1/bills", "out-k1", MerchantApi.bill("out-1", "10.00"), 503, "unavailable"))
        .compose(v -> post("/v1/bills/any-bill/cancel", "out-k2", null, 503, "unavailable"))
        .compose(v -> post("/v1/bills/any-bill/refunds", "out-k3", new JsonObject().put("amount", "1.00"), 503,
            "unavailable"))
        .compose(v -> sandbox.stats())
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertThat(stats.getLong("requestsTotal")).as("calls that reached QIWI").isZero();
          ctx.completeNow();
        })));
  }

  private Future<JsonObject> post(String path, String key, JsonObject body, int status, String code) {
    return send(HttpMethod.POST, path, body, api.post(path, key, body), status, code).map(MerchantApiConformanceTest::json);
  }

  private Future<HttpResponse<Buffer>> post(String path, String key, JsonObject body) {
    return checked(HttpMethod.POST, path, body, api.post(path, key, body));
  }

  private Future<JsonObject> get(String target, int status, String code) {
    return send(HttpMethod.GET, target, null, api.get(target), status, code).map(MerchantApiConformanceTest::json);
  }

  /** The answer must have the expected status (and problem code), and agree with the document. */
  private Future<HttpResponse<Buffer>> send(HttpMethod method, String target, Object sent,
      Future<HttpResponse<Buffer>> exchange, int status, String code) {
    return checked(method, target, sent, exchange).map(response -> {
      if (code == null) {
        assertThat(response.statusCode()).as("%s %s answered %s", method, target, response.bodyAsString())
            .isEqualTo(status);
      } else {
        assertProblem(response, status, code);
      }
      return response;
    });
  }

  private Future<HttpResponse<Buffer>> checked(HttpMethod method, String target, Object sent,
      Future<HttpResponse<Buffer>> exchange) {
    return exchange.map(response -> {
      List<String> violations = contract.violations(method, target, sent, response);
      if (!violations.isEmpty()) {
        throw new AssertionError(method + " " + target + " answered " + response.statusCode()
            + ", which disagrees with openapi.yaml:\n  " + String.join("\n  ", violations)
            + "\n  body: " + response.bodyAsString());
      }
      return response;
    });
  }

  /** A stored answer sent again: same status, marked as replayed. */
  private static Future<HttpResponse<Buffer>> replayed(Future<HttpResponse<Buffer>> exchange, int status) {
    return exchange.map(response -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
      assertThat(response.getHeader("Idempotent-Replayed")).isEqualTo("true");
      return response;
    });
  }

  private HttpRequest<Buffer> withKey(HttpMethod method, String path, String key) {
    return api.raw(method, path).putHeader("Idempotency-Key", key);
  }

  private HttpRequest<Buffer> unauthenticated(HttpMethod method, String path) {
    HttpRequest<Buffer> request = api.raw(method, path);
    request.headers().remove("Authorization");
    return request;
  }

  /** Waits until the gateway has claimed the key for a request still running (bounded by {@code tries}). */
  private Future<Void> claimed(Vertx vertx, String key, int tries) {
    return db().preparedQuery("SELECT count(*) FROM idempotency_key WHERE idem_key = $1 AND state = 'in_progress'")
        .execute(Tuple.of(key))
        .compose(rows -> {
          if (rows.iterator().next().getLong(0) > 0) {
            return Future.succeededFuture();
          }
          if (tries == 0) {
            return Future.failedFuture(new AssertionError("the first request never claimed its key"));
          }
          Promise<Void> later = Promise.promise();
          vertx.setTimer(20, id -> claimed(vertx, key, tries - 1).onComplete(later));
          return later.future();
        });
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    return response.body() == null || response.body().length() == 0 ? new JsonObject() : response.bodyAsJsonObject();
  }
}
