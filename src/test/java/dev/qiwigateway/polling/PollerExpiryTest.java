package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A first check an hour after issue: only the expiry-aware schedule can bring a short-lived bill home. */
class PollerExpiryTest extends PollerTestBase {

  @Override
  protected JsonObject settings() {
    return super.settings()
        .put("POLL_BILL_FIRST_DELAY_MS", "3600000")
        .put("POLL_BILL_MAX_INTERVAL_MS", "3600000")
        .put("POLL_BILL_EXPIRY_GRACE_MS", "300");
  }

  @Test
  @DisplayName("a bill nobody pays is checked at its expiry, not an hour later, and recorded expired once")
  void checkedAtExpiry(Vertx vertx, VertxTestContext ctx) {
    String expiresAt = Instant.now().plus(3, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS).toString();
    issue(MerchantApi.bill("poll-expiry-1", "10.00").put("expiresAt", expiresAt))
        .compose(billId -> billRow(billId))
        .compose(issued -> {
          ctx.verify(() -> assertThat(issued.getOffsetDateTime("next_poll_at").toInstant())
              .as("the first check is cut at the bill's expiry").isEqualTo(Instant.parse(expiresAt)));
          return untilBillStatus(vertx, "poll-expiry-1", "expired");
        })
        .compose(expired -> billRow("poll-expiry-1"))
        .compose(row -> {
          ctx.verify(() -> {
            assertThat(row.getInteger("poll_attempts")).as("a check at expiry, at most one more after the grace")
                .isBetween(1, 2);
            assertThat(row.getValue("next_poll_at")).isNull();
          });
          return eventTypes("poll-expiry-1");
        })
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).containsExactly("bill.waiting", "bill.expired");
          ctx.completeNow();
        })));
  }
}
