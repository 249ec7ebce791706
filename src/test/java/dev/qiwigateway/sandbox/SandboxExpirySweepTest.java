package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sandbox's periodic sweep expires overdue bills without anyone asking")
class SandboxExpirySweepTest extends SandboxTestBase {

  @Override
  protected SandboxSettings settings(Vertx vertx) {
    return super.settings(vertx).withExpirySweepInterval(Duration.ofMillis(50));
  }

  private String statusInList(JsonObject list, String billId) {
    return list.getJsonArray("bills").stream().map(JsonObject.class::cast)
        .filter(bill -> bill.getString("billId").equals(billId))
        .map(bill -> bill.getString("status")).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("an overdue waiting bill turns expired while a bill still within its lifetime keeps waiting")
  void sweepExpires(VertxTestContext ctx) {
    var shortLived = SandboxClient.with(SandboxClient.billFields(clock), "lifetime",
        SandboxClient.moscowTime(clock.instant().plus(Duration.ofMinutes(10))));
    client.issue(Dialect.REST_V3, "short", shortLived)
        .compose(one -> client.issue(Dialect.PULL_V2, "long", SandboxClient.billFields(clock)))
        .compose(two -> {
          clock.advance(Duration.ofMinutes(11));
          // the listing reads the ledger without the lazy check, so only the sweep can expire the bill
          return client.eventually(() -> client.admin(HttpMethod.GET, "/sandbox/bills", null),
              list -> "expired".equals(statusInList(list, "short")), Duration.ofSeconds(10));
        })
        .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
          assertThat(statusInList(list, "long")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }
}
