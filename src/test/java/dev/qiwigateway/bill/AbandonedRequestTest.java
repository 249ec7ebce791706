package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.GatewayServices;
import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.idempotency.IdempotencyKey;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import dev.qiwigateway.qiwi.BillIssue;
import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A replica killed in the middle of POST /v1/bills: it had claimed the key, reserved the bill and sent
 * the PUT to QIWI, then died before recording anything. Its lease expires; the request is finished
 * by whoever comes next, and QIWI still holds exactly one bill.
 */
@FreshGateway("both tests replay one abandoned request (one key, one bill id); "
    + "the completer finishes every abandoned request it finds")
class AbandonedRequestTest extends GatewayTestBase {

  private static final JsonObject BODY = MerchantApi.bill("orphan-1", "321.00");
  private static final String KEY = "orphan-key";

  @Override
  protected JsonObject settings() {
    // The completer's timer stays out of the way; the test runs it when it wants to.
    return super.settings().put("IDEMPOTENCY_LEASE_MS", "300").put("IDEMPOTENCY_COMPLETER_PERIOD_MS", "3600000");
  }

  /** Everything the dead handler did before it died. */
  private Future<Void> dieMidRequest() {
    GatewayServices services = gateway.running().services();
    NewBill bill = NewBill.from(BODY, services.config().currencies(), services.config().billLifetimeDefault(),
        services.config().billLifetimeMax(), Instant.now());
    IdempotencyKey key = new IdempotencyKey("shop-1", KEY);
    String fingerprint = IdempotencyKey.fingerprint("POST", "/v1/bills", BODY);
    return services.idempotency().claim(key, fingerprint, Kind.ISSUE_BILL, bill.toStored(), bill.billId())
        .compose(claim -> {
          assertThat(claim).isInstanceOf(IdempotencyRecord.Claim.Acquired.class);
          String payUrl = bill.payUrl(services.config().qiwi().payUrl(),
              services.config().qiwi().credentials().prvId());
          return services.bills().reserve(services.pool(), bill, "shop-1", payUrl, KEY);
        })
        .compose(reserved -> services.qiwi().issueBill(new BillIssue(bill.billId(), bill.customer(), bill.amount(),
            bill.currency(), bill.comment(), bill.expiresAt(), null, null)))
        .compose(issuedAtQiwi -> gateway.vertx().timer(500))
        .mapEmpty();
  }

  @Test
  @DisplayName("the checkout's retry takes over the expired lease and finishes the same bill, without a second one")
  void retryTakesOver(VertxTestContext ctx) {
    dieMidRequest()
        .compose(dead -> api.post("/v1/bills", KEY, BODY))
        .compose(retry -> {
          ctx.verify(() -> {
            assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(201);
            assertThat(retry.bodyAsJsonObject().getString("billId")).isEqualTo("orphan-1");
          });
          return api.post("/v1/bills", KEY, BODY);
        })
        .compose(replay -> {
          ctx.verify(() -> assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true"));
          return sandbox.stats();
        })
        .compose(stats -> {
          // the dead handler's PUT and the resumed one: the same PUT twice, one bill
          ctx.verify(() -> assertThat(IdempotentIssueTest.issueRequests(stats)).isEqualTo(2));
          return count("SELECT count(*) FROM event WHERE bill_id = 'orphan-1'");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the background completer finishes an abandoned request, so the retry gets the stored answer")
  void completerFinishes(VertxTestContext ctx) {
    dieMidRequest()
        .compose(dead -> gateway.running().services().idempotencyCompleter().runOnce())
        .compose(finished -> {
          ctx.verify(() -> assertThat(finished).isEqualTo(1));
          return api.post("/v1/bills", KEY, BODY);
        })
        .compose(retry -> {
          ctx.verify(() -> {
            assertThat(retry.statusCode()).isEqualTo(201);
            assertThat(retry.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(retry.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
          });
          return sandbox.bill("orphan-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getInteger("issueRequests")).isEqualTo(2);
          ctx.completeNow();
        })));
  }
}
