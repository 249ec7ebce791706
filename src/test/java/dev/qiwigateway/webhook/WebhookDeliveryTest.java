package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTest extends WebhookTestBase {

  @Test
  @DisplayName("issuing and paying a bill sends exactly bill.waiting then bill.paid, each signed as Standard Webhooks prescribe")
  void paidBillIsAnnouncedOnceInOrder(VertxTestContext ctx) {
    issueAndPay(api, "hook-1")
        .compose(paid -> receiver.awaitDeliveries(2))
        .compose(requests -> {
          ctx.verify(() -> {
            assertThat(requests).hasSize(2).allMatch(WebhookReceiver.Request::delivered);
            assertThat(requests).extracting(WebhookReceiver.Request::type).containsExactly("bill.waiting", "bill.paid");
            for (WebhookReceiver.Request request : requests) {
              JsonObject event = request.event();
              assertThat(request.webhookId()).matches("evt_[a-z0-9]+").isEqualTo(event.getString("id"));
              assertThat(request.contentType()).startsWith("application/json");
              assertThat(StandardWebhooks.verify(SECRET, request.webhookId(), request.timestamp(), request.signature(),
                  request.body().getBytes())).as("signature of %s", request.webhookId()).isTrue();
              assertThat(event.getString("createdAt")).endsWith("Z");
              assertThat(event.getJsonObject("data").getString("billId")).isEqualTo("hook-1");
              assertThat(event.getJsonObject("data").getString("amount")).isEqualTo("100.00");
            }
            assertThat(requests.get(0).event().getJsonObject("data").getString("status")).isEqualTo("waiting");
            assertThat(requests.get(1).event().getJsonObject("data").getString("status")).isEqualTo("paid");
          });
          return eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 2).map(requests);
        })
        .compose(requests -> api.get("/v1/events").map(feed -> {
          ctx.verify(() -> {
            // Nothing more arrives once the outbox says delivered: exactly two requests, no retry.
            assertThat(receiver.requests()).hasSize(2);
            JsonArray data = feed.bodyAsJsonObject().getJsonArray("data");
            assertThat(data.stream().map(JsonObject.class::cast).toList())
                .containsExactly(requests.get(0).event(), requests.get(1).event());
          });
          return null;
        }))
        .compose(v -> count("SELECT count(*) FROM event WHERE attempts = 1 AND delivered_at IS NOT NULL "
            + "AND lease_owner IS NULL AND last_error IS NULL"))
        .onComplete(ctx.succeeding(clean -> ctx.verify(() -> {
          assertThat(clean).isEqualTo(2);
          assertThat(deliveries(registry(), "delivered")).isEqualTo(2.0);
          assertThat(deliveries(registry(), "failed")).isZero();
          assertThat(registry().find(WebhookDispatcher.Metrics.LATENCY).timer().count()).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a signature does not verify for a changed body, another secret or a stale timestamp")
  void signatureBindsBodySecretAndTime(VertxTestContext ctx) {
    issueAndPay(api, "hook-2")
        .compose(paid -> receiver.awaitDeliveries(1))
        .onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
          WebhookReceiver.Request request = requests.get(0);
          byte[] body = request.body().getBytes();
          assertThat(StandardWebhooks.verify(SECRET, request.webhookId(), request.timestamp(), request.signature(), body))
              .isTrue();
          byte[] changed = request.body().toString().replace("100.00", "900.00").getBytes();
          assertThat(StandardWebhooks.verify(SECRET, request.webhookId(), request.timestamp(), request.signature(),
              changed)).isFalse();
          String otherSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
          assertThat(StandardWebhooks.verify(otherSecret, request.webhookId(), request.timestamp(),
              request.signature(), body)).isFalse();
          String stale = Long.toString(Long.parseLong(request.timestamp()) - 3600);
          assertThat(StandardWebhooks.verify(SECRET, request.webhookId(), stale, request.signature(), body)).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a receiver that answers 500 for a while gets every event later, each bill's events in order")
  void failingReceiverCatchesUpInOrder(VertxTestContext ctx) {
    receiver.failFirst(6, 500);
    List<String> bills = List.of("retry-1", "retry-2", "retry-3");
    issueAndPay(api, bills.get(0))
        .compose(v -> issueAndPay(api, bills.get(1)))
        .compose(v -> issueAndPay(api, bills.get(2)))
        .compose(v -> receiver.awaitDeliveries(6))
        .compose(requests -> {
          ctx.verify(() -> {
            assertThat(requests).hasSize(12);
            assertThat(requests.stream().filter(r -> !r.delivered())).hasSize(6).allMatch(r -> r.answered() == 500);
            assertThat(receiver.distinctDeliveredIds()).hasSize(6);
            for (String bill : bills) {
              assertInOrder(requests, bill);
            }
            assertSameBytesOnEveryAttempt(requests);
          });
          return eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 6);
        })
        .compose(v -> count("SELECT count(*) FROM event WHERE attempts > 1 AND last_error = 'HTTP 500'"))
        .onComplete(ctx.succeeding(retried -> ctx.verify(() -> {
          assertThat(retried).isPositive();
          assertThat(deliveries(registry(), "failed")).isEqualTo(6.0);
          assertThat(deliveries(registry(), "delivered")).isEqualTo(6.0);
          assertThat(deliveries(registry(), "dead")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("outbox depth, delivery outcomes and delivery latency are on the management port's /metrics")
  void metricsArePublished(VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    issueAndPay(api, "metrics-1")
        .compose(paid -> eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 2))
        .compose(v -> eventually("depth gauge shows an empty outbox", () -> scrape(http)
            .map(text -> text.contains("webhook_outbox_depth{state=\"pending\"} 0.0"))))
        .compose(v -> scrape(http))
        .onComplete(ctx.succeeding(text -> ctx.verify(() -> {
          assertThat(text).contains("webhook_deliveries_total{outcome=\"delivered\"} 2.0",
              "webhook_deliveries_total{outcome=\"failed\"} 0.0", "webhook_deliveries_total{outcome=\"dead\"} 0.0",
              "webhook_outbox_depth{state=\"dead\"} 0.0", "webhook_delivery_latency_seconds_count 2");
          ctx.completeNow();
        })));
  }

  private Future<String> scrape(WebClient http) {
    return http.get(gateway.running().managementPort(), "127.0.0.1", "/metrics").send()
        .map(response -> response.bodyAsString());
  }

  /** No attempt of a bill's later event, failed or not, before its earlier event was delivered. */
  static void assertInOrder(List<WebhookReceiver.Request> requests, String billId) {
    List<String> delivered = new ArrayList<>();
    for (WebhookReceiver.Request request : requests) {
      if (!request.billId().equals(billId)) {
        continue;
      }
      if (request.type().equals("bill.paid")) {
        assertThat(delivered).as("attempt of bill.paid of %s after bill.waiting was delivered", billId)
            .contains("bill.waiting");
      }
      if (request.delivered()) {
        delivered.add(request.type());
      }
    }
    assertThat(delivered).as("deliveries of %s", billId).containsExactly("bill.waiting", "bill.paid");
  }

  /** A retry carries the same webhook-id and the same body bytes; only the timestamp and signature change. */
  static void assertSameBytesOnEveryAttempt(List<WebhookReceiver.Request> requests) {
    Map<String, List<Buffer>> bodies = requests.stream().collect(Collectors.groupingBy(
        WebhookReceiver.Request::webhookId, Collectors.mapping(WebhookReceiver.Request::body, Collectors.toList())));
    bodies.values().forEach(attempts -> assertThat(attempts).allMatch(body -> body.equals(attempts.get(0))));
    assertThat(requests).allMatch(r -> StandardWebhooks.verify(SECRET, r.webhookId(), r.timestamp(), r.signature(),
        r.body().getBytes()));
  }
}
