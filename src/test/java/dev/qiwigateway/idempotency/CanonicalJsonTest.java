package dev.qiwigateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  private static final String BILL = """
      {"billId":"order-1842","amount":"1499.00","currency":"RUB",
       "extra":{"z":[3,{"b":true,"a":null}],"a":1.5}}""";

  @Test
  @DisplayName("a bill's members are written sorted by name at every depth, compactly")
  void sortedCompact() {
    assertThat(IdempotencyKey.CanonicalJson.encode(new JsonObject(BILL))).isEqualTo(
        "{\"amount\":\"1499.00\",\"billId\":\"order-1842\",\"currency\":\"RUB\","
            + "\"extra\":{\"a\":1.5,\"z\":[3,{\"a\":null,\"b\":true}]}}");
  }

  @Test
  @DisplayName("member order and whitespace do not change a bill request's fingerprint")
  void orderAndWhitespaceIrrelevant() {
    String reformatted = """
        {
          "extra" : { "a" : 1.5, "z" : [ 3, { "a" : null, "b" : true } ] },
          "currency" : "RUB",   "amount" : "1499.00",
          "billId" : "order-1842"
        }""";
    assertThat(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject(reformatted)))
        .isEqualTo(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject(BILL)))
        .matches("[0-9a-f]{64}");
  }

  @Test
  @DisplayName("a different amount, array order, method or path is a different request")
  void meaningfulDifferencesCount() {
    String base = IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject(BILL));
    assertThat(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject(BILL.replace("1499.00", "1499.01"))))
        .isNotEqualTo(base);
    assertThat(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject(BILL.replace("[3,{\"b\":true,\"a\":null}]",
        "[{\"b\":true,\"a\":null},3]")))).isNotEqualTo(base);
    assertThat(IdempotencyKey.fingerprint("PUT", "/v1/bills", new JsonObject(BILL))).isNotEqualTo(base);
    assertThat(IdempotencyKey.fingerprint("POST", "/v1/bills/order-1842/refunds", new JsonObject(BILL))).isNotEqualTo(base);
  }

  @Test
  @DisplayName("an amount sent as a string is not the same request as the number")
  void stringsAndNumbersAsParsed() {
    assertThat(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject("{\"amount\":\"10.50\"}")))
        .isNotEqualTo(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject("{\"amount\":10.50}")));
  }

  @Test
  @DisplayName("a cancel without a body is the same request as one with an empty object")
  void missingBodyIsEmptyObject() {
    assertThat(IdempotencyKey.fingerprint("POST", "/v1/bills/b1/cancel", null))
        .isEqualTo(IdempotencyKey.fingerprint("POST", "/v1/bills/b1/cancel", new JsonObject()));
  }
}
