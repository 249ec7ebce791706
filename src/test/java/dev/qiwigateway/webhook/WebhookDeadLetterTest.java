package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A receiver that never recovers, with a retry window shrunk from 24 hours to a fraction of a second. */
class WebhookDeadLetterTest extends WebhookTestBase {

  @Override
  protected JsonObject settings() {
    return super.settings().put("WEBHOOK_RETRY_WINDOW", "PT0.3S");
  }

  @Test
  @DisplayName("events a receiver never accepts end dead; redelivery brings them back and they arrive in order")
  void deadEventsAreRedelivered(VertxTestContext ctx) {
    receiver.failAlways(503);
    issueAndPay(api, "dead-1")
        .compose(v -> eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'dead'", 2))
        .compose(v -> count("SELECT count(*) FROM event WHERE delivery_state = 'dead' AND last_error = 'HTTP 503' "
            + "AND attempts >= 1 AND lease_owner IS NULL"))
        .compose(dead -> {
          ctx.verify(() -> {
            assertThat(dead).isEqualTo(2);
            assertThat(receiver.deliveries()).isEmpty();
            assertThat(deliveries(registry(), "dead")).isEqualTo(2.0);
          });
          return eventually("depth gauge counts the dead events", () -> Future.succeededFuture(
              depth("dead") == 2.0 && depth("pending") == 0.0));
        })
        .compose(v -> api.get("/v1/events?limit=10"))
        .compose(feed -> {
          JsonArray data = feed.bodyAsJsonObject().getJsonArray("data");
          List<String> ids = data.stream().map(e -> ((JsonObject) e).getString("id")).toList();
          receiver.recover();
          // The earlier event first: once pending again it holds the later one back until delivered.
          return api.post("/v1/events/" + ids.get(0) + "/redeliver", null, null)
              .compose(first -> api.post("/v1/events/" + ids.get(1) + "/redeliver", null, null)
                  .map(second -> {
                    ctx.verify(() -> {
                      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(202);
                      assertThat(second.statusCode()).isEqualTo(202);
                      assertThat(first.bodyAsJsonObject().getString("id")).isEqualTo(ids.get(0));
                    });
                    return ids;
                  }));
        })
        .compose(ids -> receiver.awaitDeliveries(2).map(requests -> {
          ctx.verify(() -> {
            assertThat(requests.stream().filter(WebhookReceiver.Request::delivered))
                .extracting(WebhookReceiver.Request::webhookId).containsExactlyElementsOf(ids);
            WebhookDeliveryTest.assertSameBytesOnEveryAttempt(requests);
          });
          return ids;
        }))
        .compose(ids -> eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 2))
        .compose(v -> count("SELECT count(*) FROM event WHERE delivery_state = 'delivered' AND attempts = 1 "
            + "AND last_error IS NULL"))
        .onComplete(ctx.succeeding(fresh -> ctx.verify(() -> {
          // Redelivery starts over: a new retry window, attempts counted from zero.
          assertThat(fresh).isEqualTo(2);
          assertThat(deliveries(registry(), "delivered")).isEqualTo(2.0);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a delivered event can be redelivered: the receiver gets it again with the same id and bytes")
  void deliveredEventIsRedelivered(VertxTestContext ctx) {
    api.post("/v1/bills", "key-again-1", io.vertx.core.json.JsonObject.of("amount", "5.00", "currency", "RUB",
            "customer", "tel:+79161234567", "comment", "again", "billId", "again-1"))
        .compose(created -> receiver.awaitDeliveries(1))
        .compose(first -> eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 1)
            .compose(v -> api.post("/v1/events/" + first.get(0).webhookId() + "/redeliver", null, null)))
        .compose(accepted -> {
          ctx.verify(() -> assertThat(accepted.statusCode()).isEqualTo(202));
          return receiver.awaitDeliveries(2);
        })
        .onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
          assertThat(requests).hasSize(2);
          assertThat(requests.get(1).webhookId()).isEqualTo(requests.get(0).webhookId());
          assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
          ctx.completeNow();
        })));
  }

  private double depth(String state) {
    Gauge gauge = registry().find(WebhookDispatcher.Metrics.DEPTH).tag("state", state).gauge();
    return gauge == null ? -1 : gauge.value();
  }
}
