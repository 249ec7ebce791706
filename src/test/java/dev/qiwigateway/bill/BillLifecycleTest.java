package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BillLifecycleTest extends GatewayTestBase {

  @Override
  protected JsonObject settings() {
    return super.settings().put("CURRENCIES", "RUB,GBP");
  }

  @Test
  @DisplayName("a bill is issued at QIWI once, shown with its payment URL, and announced by a bill.waiting event")
  void issueAndRead(VertxTestContext ctx) {
    String expiresAt = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonObject body = MerchantApi.bill("order-1842", "1499.00").put("expiresAt", expiresAt)
        .put("successUrl", "https://shop.example/ok?x=1").put("paySource", "qw");
    api.post("/v1/bills", "key-1", body)
        .compose(created -> {
          ctx.verify(() -> {
            assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
            assertThat(created.getHeader("Location")).isEqualTo("/v1/bills/order-1842");
            JsonObject bill = created.bodyAsJsonObject();
            assertThat(bill.getString("billId")).isEqualTo("order-1842");
            assertThat(bill.getString("status")).isEqualTo("waiting");
            assertThat(bill.getString("amount")).isEqualTo("1499.00");
            assertThat(bill.getString("currency")).isEqualTo("RUB");
            assertThat(bill.getString("customer")).isEqualTo("tel:+79161234567");
            assertThat(bill.getString("expiresAt")).isEqualTo(expiresAt);
            assertThat(bill.getString("refunded")).isEqualTo("0.00");
            assertThat(bill.getString("payUrl"))
                .startsWith(gateway.running().services().config().qiwi().payUrl() + "?shop=" + TestSecrets.PRV_ID
                    + "&transaction=order-1842")
                .contains("successUrl=https%3A%2F%2Fshop.example%2Fok%3Fx%3D1", "pay_source=qw");
            assertThat(bill.getString("createdAt")).endsWith("Z");
          });
          return api.get("/v1/bills/order-1842");
        })
        .compose(read -> {
          ctx.verify(() -> {
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
          });
          return sandbox.bill("order-1842");
        })
        .compose(atQiwi -> {
          ctx.verify(() -> assertThat(atQiwi.getInteger("issueRequests")).isEqualTo(1));
          return count("SELECT count(*) FROM event WHERE bill_id = 'order-1842' AND type = 'bill.waiting'");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a retry with the same key replays the stored answer byte for byte and issues nothing more")
  void replay(VertxTestContext ctx) {
    JsonObject body = MerchantApi.bill(null, "10.00");
    api.post("/v1/bills", "key-replay", body).compose(first -> api.post("/v1/bills", "key-replay", body)
        .compose(second -> {
          ctx.verify(() -> {
            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(first.getHeader("Idempotent-Replayed")).isNull();
            assertThat(second.statusCode()).isEqualTo(201);
            assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(second.getHeader("Location")).isEqualTo(first.getHeader("Location"));
            assertThat(second.body().getBytes()).isEqualTo(first.body().getBytes());
            assertThat(first.bodyAsJsonObject().getString("billId")).matches("b_[A-Za-z0-9]{24}");
          });
          return sandbox.bill(first.bodyAsJsonObject().getString("billId"));
        }))
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getInteger("issueRequests")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the same key with another body is refused as reused and changes nothing")
  void reusedKey(VertxTestContext ctx) {
    api.post("/v1/bills", "key-reuse", MerchantApi.bill("reuse-1", "10.00"))
        .compose(first -> api.post("/v1/bills", "key-reuse", MerchantApi.bill("reuse-1", "11.00")))
        .compose(second -> {
          ctx.verify(() -> assertProblem(second, 422, "idempotency_key_reused"));
          return sandbox.bill("reuse-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getString("amount")).isEqualTo("10.00");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill refused as invalid leaves its key unused: the corrected bill with the same key is issued")
  void invalidRequestLeavesKeyFree(VertxTestContext ctx) {
    api.post("/v1/bills", "key-corrected", MerchantApi.bill("corrected-1", "0.00"))
        .compose(invalid -> {
          ctx.verify(() -> assertProblem(invalid, 400, "validation_failed"));
          return api.post("/v1/bills", "key-corrected", MerchantApi.bill("corrected-1", "10.00"));
        })
        .onComplete(ctx.succeeding(corrected -> ctx.verify(() -> {
          assertThat(corrected.statusCode()).as(corrected.bodyAsString()).isEqualTo(201);
          assertThat(corrected.getHeader("Idempotent-Replayed")).isNull();
          assertThat(corrected.bodyAsJsonObject().getString("billId")).isEqualTo("corrected-1");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a waiting bill is cancelled at QIWI; cancelling it again is refused as not cancellable")
  void cancel(VertxTestContext ctx) {
    api.post("/v1/bills", "key-c1", MerchantApi.bill("cancel-1", "10.00"))
        .compose(created -> api.post("/v1/bills/cancel-1/cancel", "key-c2", null))
        .compose(cancelled -> {
          ctx.verify(() -> {
            assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
            assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("rejected");
          });
          return api.post("/v1/bills/cancel-1/cancel", "key-c3", null);
        })
        .compose(again -> {
          ctx.verify(() -> assertProblem(again, 409, "bill_not_cancellable"));
          return sandbox.bill("cancel-1");
        })
        .compose(atQiwi -> {
          ctx.verify(() -> assertThat(atQiwi.getString("status")).isEqualTo("rejected"));
          return count("SELECT count(*) FROM event WHERE bill_id = 'cancel-1' AND type = 'bill.rejected'");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a paid bill learnt by refresh is refunded in part, never beyond its amount, and settles to success")
  void paidThenRefunded(VertxTestContext ctx) {
    api.post("/v1/bills", "key-p1", MerchantApi.bill("paid-1", "1000.00"))
        .compose(created -> api.post("/v1/bills/paid-1/refunds", "key-r0", new JsonObject().put("amount", "1.00")))
        .compose(tooEarly -> {
          ctx.verify(() -> assertProblem(tooEarly, 409, "bill_not_refundable"));
          return sandbox.pay("paid-1");
        })
        .compose(paid -> api.get("/v1/bills/paid-1?refresh=true"))
        .compose(refreshed -> {
          ctx.verify(() -> assertThat(refreshed.bodyAsJsonObject().getString("status")).isEqualTo("paid"));
          return api.post("/v1/bills/paid-1/cancel", "key-c", null);
        })
        .compose(cancel -> {
          ctx.verify(() -> assertProblem(cancel, 409, "bill_not_cancellable"));
          return api.post("/v1/bills/paid-1/refunds", "key-r1", new JsonObject().put("refundId", "r1").put("amount", "600.00"));
        })
        .compose(refund -> {
          ctx.verify(() -> {
            assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(201);
            assertThat(refund.getHeader("Location")).isEqualTo("/v1/bills/paid-1/refunds/r1");
            JsonObject body = refund.bodyAsJsonObject();
            assertThat(body.getString("status")).isEqualTo("processing");
            assertThat(body.getString("amount")).isEqualTo("600.00");
            assertThat(body.getString("currency")).isEqualTo("RUB");
          });
          return api.post("/v1/bills/paid-1/refunds", "key-r2", new JsonObject().put("amount", "400.01"));
        })
        .compose(tooMuch -> {
          ctx.verify(() -> assertProblem(tooMuch, 422, "refund_exceeds_paid"));
          return sandbox.settleRefund("paid-1", "r1", "success");
        })
        .compose(settled -> api.get("/v1/bills/paid-1/refunds/r1?refresh=true"))
        .compose(refund -> {
          ctx.verify(() -> assertThat(refund.bodyAsJsonObject().getString("status")).isEqualTo("success"));
          return api.get("/v1/bills/paid-1/refunds");
        })
        .compose(list -> {
          ctx.verify(() -> {
            assertThat(list.bodyAsJsonObject().getJsonArray("data")).hasSize(1);
            assertThat(list.bodyAsJsonObject().getBoolean("hasMore")).isFalse();
          });
          return api.get("/v1/bills/paid-1");
        })
        .compose(bill -> {
          ctx.verify(() -> assertThat(bill.bodyAsJsonObject().getString("refunded")).isEqualTo("600.00"));
          return count("SELECT count(*) FROM event WHERE bill_id = 'paid-1'");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          // bill.waiting, bill.paid, refund.processing, refund.succeeded
          assertThat(events).isEqualTo(4);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a final refusal by QIWI is 422 provider_rejected with its code, stored and replayed; the billId stays free")
  void providerRejected(VertxTestContext ctx) {
    JsonObject pounds = MerchantApi.bill("gbp-1", "10.00").put("currency", "GBP");
    api.post("/v1/bills", "key-gbp", pounds)
        .compose(first -> {
          ctx.verify(() -> {
            assertProblem(first, 422, "provider_rejected");
            assertThat(first.bodyAsJsonObject().getInteger("providerCode")).isEqualTo(1001);
          });
          return api.post("/v1/bills", "key-gbp", pounds);
        })
        .compose(replayed -> {
          ctx.verify(() -> {
            assertProblem(replayed, 422, "provider_rejected");
            assertThat(replayed.getHeader("Idempotent-Replayed")).isEqualTo("true");
          });
          return api.get("/v1/bills/gbp-1");
        })
        .compose(read -> {
          ctx.verify(() -> assertProblem(read, 404, "bill_not_found"));
          // QIWI holds no bill gbp-1: the refusal did not burn the id for a corrected request
          return api.post("/v1/bills", "key-gbp-in-rub", MerchantApi.bill("gbp-1", "10.00"));
        })
        .onComplete(ctx.succeeding(corrected -> ctx.verify(() -> {
          assertThat(corrected.statusCode()).as(corrected.bodyAsString()).isEqualTo(201);
          assertThat(corrected.bodyAsJsonObject().getString("billId")).isEqualTo("gbp-1");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("comment counts code points: 255 emoji are accepted and reach QIWI unchanged")
  void commentCountsCodePoints(VertxTestContext ctx) {
    String emoji = "\uD83D\uDE00".repeat(255);
    api.post("/v1/bills", "key-emoji", MerchantApi.bill("emoji-1", "10.00").put("comment", emoji))
        .compose(created -> {
          ctx.verify(() -> {
            assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
            assertThat(created.bodyAsJsonObject().getString("comment")).isEqualTo(emoji);
          });
          return sandbox.bill("emoji-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getString("comment")).isEqualTo(emoji);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("215 from QIWI is resolved by GET-and-compare: the same amount, currency and wallet is our bill")
  void existingBillAtQiwi(VertxTestContext ctx) {
    Instant lifetime = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    dev.qiwigateway.qiwi.QiwiClient qiwi = gateway.running().services().qiwi();
    qiwi.issueBill(new dev.qiwigateway.qiwi.BillIssue("pre-1", "tel:+79161234567", new java.math.BigDecimal("10.00"),
            "RUB", "issued elsewhere", lifetime, null, null))
        .compose(same -> qiwi.issueBill(new dev.qiwigateway.qiwi.BillIssue("pre-2", "tel:+79161234567",
            new java.math.BigDecimal("11.00"), "RUB", "issued elsewhere", lifetime, null, null)))
        .compose(other -> api.post("/v1/bills", "key-pre-1", MerchantApi.bill("pre-1", "10.00")))
        .compose(matching -> {
          ctx.verify(() -> {
            assertThat(matching.statusCode()).as(matching.bodyAsString()).isEqualTo(201);
            assertThat(matching.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
          });
          return api.post("/v1/bills", "key-pre-2", MerchantApi.bill("pre-2", "10.00"));
        })
        .onComplete(ctx.succeeding(conflicting -> ctx.verify(() -> {
          assertProblem(conflicting, 422, "provider_rejected");
          assertThat(conflicting.bodyAsJsonObject().getInteger("providerCode")).isEqualTo(215);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("bills are scoped to their merchant, and a bill_id taken by another merchant is refused")
  void merchantScope(Vertx vertx, VertxTestContext ctx) {
    MerchantApi other = new MerchantApi(vertx, gateway.running().httpPort(), TestSecrets.OTHER_MERCHANT_TOKEN);
    api.post("/v1/bills", "same-key", MerchantApi.bill("scoped-1", "10.00"))
        .compose(created -> other.get("/v1/bills/scoped-1"))
        .compose(hidden -> {
          ctx.verify(() -> assertProblem(hidden, 404, "bill_not_found"));
          return other.post("/v1/bills", "same-key", MerchantApi.bill("scoped-1", "10.00"));
        })
        .onComplete(ctx.succeeding(taken -> ctx.verify(() -> {
          assertProblem(taken, 409, "bill_exists");
          assertThat(taken.getHeader("Idempotent-Replayed")).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a cancel or refund answered 404 stays answered: its key never touches a bill issued later with that id")
  void notFoundIsFinal(VertxTestContext ctx) {
    JsonObject refund = new JsonObject().put("refundId", "ghost").put("amount", "5.00");
    api.post("/v1/bills/later-1/cancel", "later-1-c", null)
        .compose(cancel -> {
          ctx.verify(() -> assertProblem(cancel, 404, "bill_not_found"));
          return api.post("/v1/bills/later-1/refunds", "later-1-r", refund);
        })
        .compose(refunded -> {
          ctx.verify(() -> assertProblem(refunded, 404, "bill_not_found"));
          return api.post("/v1/bills", "later-1-i", MerchantApi.bill("later-1", "10.00"));
        })
        .compose(issued -> api.post("/v1/bills/later-1/cancel", "later-1-c", null))
        .compose(cancel -> {
          ctx.verify(() -> {
            assertProblem(cancel, 404, "bill_not_found");
            assertThat(cancel.getHeader("Idempotent-Replayed")).isEqualTo("true");
          });
          return api.post("/v1/bills/later-1/refunds", "later-1-r", refund);
        })
        .compose(refunded -> {
          ctx.verify(() -> {
            assertProblem(refunded, 404, "bill_not_found");
            assertThat(refunded.getHeader("Idempotent-Replayed")).isEqualTo("true");
          });
          return api.get("/v1/bills/later-1");
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("unknown bills and refunds answer 404 with their own codes")
  void unknown(VertxTestContext ctx) {
    api.get("/v1/bills/nope")
        .compose(bill -> {
          ctx.verify(() -> assertProblem(bill, 404, "bill_not_found"));
          return api.post("/v1/bills", "k-u", MerchantApi.bill("known-1", "10.00"));
        })
        .compose(created -> api.get("/v1/bills/known-1/refunds/r404"))
        .onComplete(ctx.succeeding(refund -> ctx.verify(() -> {
          assertProblem(refund, 404, "refund_not_found");
          ctx.completeNow();
        })));
  }
}
