package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every client mistake gets the contract's 4xx answer, and leaves nothing behind: no request at
 * QIWI, no bill, refund, event or idempotency key in the database.
 */
@FreshGateway("asserts that its bad requests left nothing at QIWI and no row in any table")
class BadInputTest extends GatewayTestBase {

  private record Case(String name, int status, String code, Function<MerchantApi, Future<HttpResponse<Buffer>>> call) {
  }

  private static JsonObject bill(String field, Object value) {
    return MerchantApi.bill("bad-1", "10.00").put(field, value);
  }

  private static Case billCase(String name, String field, Object value) {
    return new Case(name, 400, "validation_failed", api -> api.post("/v1/bills", "key-" + name, bill(field, value)));
  }

  private static Case raw(String name, int status, String code, HttpMethod method, String path,
      Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> send) {
    return new Case(name, status, code, api -> send.apply(api.raw(method, path)));
  }

  private static Case rawJson(String name, int status, String code, String json) {
    return raw(name, status, code, HttpMethod.POST, "/v1/bills", r -> r.putHeader("Idempotency-Key", "key-" + name)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)));
  }

  private static List<Case> cases() {
    String future = Instant.now().plus(Duration.ofDays(60)).toString();
    String past = Instant.now().minus(Duration.ofMinutes(1)).toString();
    String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString();
    List<Case> cases = new ArrayList<>(List.of(
        billCase("amount-no-fraction", "amount", "100"),
        billCase("amount-three-digits", "amount", "100.001"),
        billCase("amount-one-digit", "amount", "100.5"),
        billCase("amount-negative", "amount", "-1.00"),
        billCase("amount-zero", "amount", "0.00"),
        billCase("amount-exponent", "amount", "1e3"),
        billCase("amount-seven-integer-digits", "amount", "1234567.00"),
        billCase("amount-as-number", "amount", 100.00),
        billCase("amount-comma", "amount", "1,00"),
        billCase("amount-leading-zeros", "amount", "0000001.00"),
        billCase("expires-without-seconds", "expiresAt", tomorrow.substring(0, 16) + "Z"),
        billCase("amount-empty", "amount", ""),
        billCase("currency-lower-case", "currency", "rub"),
        billCase("currency-not-allowed", "currency", "USD"),
        billCase("currency-not-iso", "currency", "XYZ"),
        billCase("customer-no-prefix", "customer", "79161234567"),
        billCase("customer-too-short", "customer", "tel:+123456"),
        billCase("customer-too-long", "customer", "tel:+1234567890123456"),
        billCase("customer-letters", "customer", "tel:+7916abc4567"),
        billCase("comment-too-long", "comment", "x".repeat(256)),
        billCase("comment-empty", "comment", ""),
        billCase("comment-nul", "comment", "a\u0000b"),
        billCase("provider-name-nul", "providerName", "Shop\u0000"),
        billCase("bill-id-space", "billId", "has space"),
        billCase("bill-id-too-long", "billId", "a".repeat(31)),
        billCase("bill-id-unicode", "billId", "счёт-1"),
        billCase("bill-id-dot", "billId", "."),
        billCase("bill-id-dots", "billId", ".."),
        billCase("expires-in-past", "expiresAt", past),
        billCase("expires-beyond-max", "expiresAt", future),
        billCase("expires-not-a-time", "expiresAt", "tomorrow"),
        billCase("pay-source-unknown", "paySource", "card"),
        billCase("provider-name-too-long", "providerName", "p".repeat(101)),
        billCase("success-url-not-http", "successUrl", "ftp://shop.example/ok"),
        new Case("amount-missing", 400, "validation_failed",
            api -> api.post("/v1/bills", "key-missing", MerchantApi.bill("bad-1", "10.00").put("amount", (Object) null))),
        raw("body-array", 400, "malformed_request", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("[]"))),
        raw("body-not-json", 400, "malformed_request", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{amount:"))),
        raw("body-duplicate-member", 400, "malformed_request", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(
                "{\"billId\":\"bad-1\",\"amount\":\"1.00\",\"amount\":\"2.00\",\"currency\":\"RUB\","
                    + "\"customer\":\"tel:+79161234567\",\"comment\":\"c\"}"))),
        // Text that is not valid Unicode, sent as the JSON escapes a client would write (issue 12, item 6)
        rawJson("comment-lone-low-surrogate", 400, "validation_failed",
            "{\"billId\":\"bad-1\",\"amount\":\"1.00\",\"currency\":\"RUB\",\"customer\":\"tel:+79161234567\","
                + "\"comment\":\"\\udc00x\"}"),
        rawJson("comment-lone-high-surrogate", 400, "validation_failed",
            "{\"billId\":\"bad-1\",\"amount\":\"1.00\",\"currency\":\"RUB\",\"customer\":\"tel:+79161234567\","
                + "\"comment\":\"x\\ud83d\"}"),
        rawJson("unknown-member-lone-surrogate", 400, "validation_failed",
            "{\"billId\":\"bad-1\",\"amount\":\"1.00\",\"currency\":\"RUB\",\"customer\":\"tel:+79161234567\","
                + "\"comment\":\"c\",\"note\":{\"deep\":[\"\\ud800\"]}}"),
        billCase("comment-256-emoji", "comment", "\uD83D\uDE00".repeat(256)),
        // The contract's encoding is UTF-8: a byte-order mark or UTF-16 is refused, not guessed
        raw("body-utf8-bom", 400, "malformed_request", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/json").sendBuffer(
                Buffer.buffer(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})
                    .appendBuffer(MerchantApi.bill("bad-1", "10.00").toBuffer()))),
        raw("body-utf16", 400, "malformed_request", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/json").sendBuffer(
                Buffer.buffer(MerchantApi.bill("bad-1", "10.00").encode().getBytes(StandardCharsets.UTF_16LE)))),
        raw("body-empty", 400, "malformed_request", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/json").send()),
        raw("body-text-plain", 415, "unsupported_media_type", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "text/plain")
                .sendBuffer(MerchantApi.bill("bad-1", "10.00").toBuffer())),
        raw("body-form", 415, "unsupported_media_type", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("amount=10.00"))),
        raw("body-too-large", 413, "payload_too_large", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k").sendJsonObject(bill("comment", "x".repeat(70_000)))),
        raw("key-missing", 400, "idempotency_key_invalid", HttpMethod.POST, "/v1/bills",
            r -> r.sendJsonObject(MerchantApi.bill("bad-1", "10.00"))),
        raw("key-empty", 400, "idempotency_key_invalid", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "").sendJsonObject(MerchantApi.bill("bad-1", "10.00"))),
        raw("key-too-long", 400, "idempotency_key_invalid", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Idempotency-Key", "k".repeat(256)).sendJsonObject(MerchantApi.bill("bad-1", "10.00"))),
        raw("key-twice", 400, "idempotency_key_invalid", HttpMethod.POST, "/v1/bills", r -> {
          r.headers().add("Idempotency-Key", "k1").add("Idempotency-Key", "k2");
          return r.sendJsonObject(MerchantApi.bill("bad-1", "10.00"));
        }),
        raw("token-missing", 401, "unauthorized", HttpMethod.POST, "/v1/bills", r -> {
          r.headers().remove("Authorization");
          return r.putHeader("Idempotency-Key", "k").sendJsonObject(MerchantApi.bill("bad-1", "10.00"));
        }),
        raw("token-wrong", 401, "unauthorized", HttpMethod.POST, "/v1/bills",
            r -> r.putHeader("Authorization", "Bearer nope").putHeader("Idempotency-Key", "k")
                .sendJsonObject(MerchantApi.bill("bad-1", "10.00"))),
        new Case("refund-amount-zero", 400, "validation_failed",
            api -> api.post("/v1/bills/bad-1/refunds", "key-r1", new JsonObject().put("amount", "0.00"))),
        new Case("refund-id-too-long", 400, "validation_failed",
            api -> api.post("/v1/bills/bad-1/refunds", "key-r2", new JsonObject().put("refundId", "r1234567890").put("amount", "1.00"))),
        new Case("refund-id-hyphen", 400, "validation_failed",
            api -> api.post("/v1/bills/bad-1/refunds", "key-r3", new JsonObject().put("refundId", "r-1").put("amount", "1.00"))),
        new Case("refresh-not-boolean", 400, "validation_failed", api -> api.get("/v1/bills/bad-1?refresh=maybe")),
        new Case("unknown-route", 404, "not_found", api -> api.raw(HttpMethod.GET, "/v2/bills").send())));
    return cases;
  }

  @Test
  @DisplayName("each bad request gets its 4xx problem and changes nothing at QIWI or in the database")
  void badInputsChangeNothing(VertxTestContext ctx) {
    List<Case> cases = cases();
    Future<Void> chain = Future.succeededFuture();
    for (Case c : cases) {
      chain = chain.compose(v -> c.call().apply(api).map(response -> {
        ctx.verify(() -> {
          assertThat(response.statusCode()).as("%s: %s", c.name(), response.bodyAsString()).isEqualTo(c.status());
          assertThat(response.getHeader("Content-Type")).as(c.name()).startsWith("application/problem+json");
          JsonObject problem = response.bodyAsJsonObject();
          assertThat(problem.getString("code")).as(c.name()).isEqualTo(c.code());
          if (c.code().equals("validation_failed")) {
            assertThat(problem.getJsonArray("errors")).as(c.name()).isNotEmpty();
          }
        });
        return null;
      }));
    }
    chain.compose(v -> sandbox.stats())
        .compose(stats -> {
          ctx.verify(() -> assertThat(stats.getLong("requestsTotal")).isZero());
          return count("SELECT (SELECT count(*) FROM bill) + (SELECT count(*) FROM refund) "
              + "+ (SELECT count(*) FROM event) + (SELECT count(*) FROM idempotency_key)");
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertThat(rows).isZero();
          ctx.completeNow();
        })));
  }
}
