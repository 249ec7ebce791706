package dev.qiwigateway.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pull side of events: GET /v1/events and POST /v1/events/{id}/redeliver (webhooks off here). */
@FreshGateway("asserts the merchant's whole event feed")
class EventFeedTest extends GatewayTestBase {

  @Test
  @DisplayName("the feed lists a merchant's events in commit order and pages through them with after, limit and hasMore")
  void pagesInCommitOrder(Vertx vertx, VertxTestContext ctx) {
    issue("feed-a").compose(v -> issue("feed-b")).compose(v -> issue("feed-c"))
        .compose(v -> sandbox.pay("feed-a"))
        .compose(v -> api.get("/v1/bills/feed-a?refresh=true"))
        .compose(v -> feedUntil(vertx, api, 4))
        .compose(all -> {
          ctx.verify(() -> {
            assertThat(all).extracting(e -> e.getString("type") + " " + e.getJsonObject("data").getString("billId"))
                .containsExactly("bill.waiting feed-a", "bill.waiting feed-b", "bill.waiting feed-c", "bill.paid feed-a");
            assertThat(all).allSatisfy(e -> {
              assertThat(e.getString("id")).matches("evt_[a-z0-9]+");
              assertThat(e.getString("createdAt")).endsWith("Z");
              assertThat(e.fieldNames()).containsExactlyInAnyOrder("id", "type", "createdAt", "data");
            });
          });
          return api.get("/v1/events?limit=2")
              .compose(page1 -> {
                ctx.verify(() -> assertPage(page1, List.of(all.get(0), all.get(1)), true));
                return api.get("/v1/events?limit=2&after=" + all.get(1).getString("id"));
              })
              .compose(page2 -> {
                ctx.verify(() -> assertPage(page2, List.of(all.get(2), all.get(3)), false));
                return api.get("/v1/events?after=" + all.get(3).getString("id"));
              })
              .compose(end -> {
                ctx.verify(() -> assertPage(end, List.of(), false));
                return api.get("/v1/events?limit=1&after=" + all.get(0).getString("id"));
              })
              .map(one -> {
                ctx.verify(() -> assertPage(one, List.of(all.get(1)), true));
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a limit outside 1..1000 or an after that is not one of the caller's events is refused as validation_failed")
  void badParametersRefused(Vertx vertx, VertxTestContext ctx) {
    MerchantApi other = new MerchantApi(vertx, gateway.running().httpPort(), TestSecrets.OTHER_MERCHANT_TOKEN);
    other.post("/v1/bills", "other-key", MerchantApi.bill("other-1", "10.00"))
        .compose(created -> feedUntil(vertx, other, 1))
        .compose(othersEvents -> {
          String othersId = othersEvents.get(0).getString("id");
          List<String> queries = List.of("limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=1.5", "limit=",
              "limit=1&limit=2", "limit=99999999999", "after=evt_doesnotexist", "after=not-an-event", "after=",
              "after=" + othersId);
          List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
          queries.forEach(query -> answers.add(api.get("/v1/events?" + query)));
          return Future.all(answers).map(all -> {
            ctx.verify(() -> {
              for (int i = 0; i < queries.size(); i++) {
                HttpResponse<Buffer> answer = answers.get(i).result();
                assertThat(answer.statusCode()).as(queries.get(i)).isEqualTo(400);
                assertProblem(answer, 400, "validation_failed");
                String field = queries.get(i).substring(0, queries.get(i).indexOf('='));
                assertThat(answer.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
                    .as(queries.get(i)).isEqualTo(field);
              }
            });
            return null;
          });
        })
        .compose(v -> api.get("/v1/events?limit=1000"))
        .onComplete(ctx.succeeding(max -> ctx.verify(() -> {
          assertThat(max.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("each merchant sees only its own events")
  void merchantScoped(Vertx vertx, VertxTestContext ctx) {
    MerchantApi other = new MerchantApi(vertx, gateway.running().httpPort(), TestSecrets.OTHER_MERCHANT_TOKEN);
    issue("mine-1")
        .compose(v -> other.post("/v1/bills", "theirs-key", MerchantApi.bill("theirs-1", "10.00")))
        .compose(v -> feedUntil(vertx, other, 1))
        .compose(theirs -> feedUntil(vertx, api, 1).map(mine -> {
          ctx.verify(() -> {
            assertThat(theirs).extracting(e -> e.getJsonObject("data").getString("billId")).containsExactly("theirs-1");
            assertThat(mine).extracting(e -> e.getJsonObject("data").getString("billId")).containsExactly("mine-1");
          });
          return null;
        }))
        .compose(v -> api.raw(HttpMethod.GET, "/v1/events").putHeader("Authorization", "Bearer wrong").send())
        .onComplete(ctx.succeeding(anonymous -> ctx.verify(() -> {
          assertProblem(anonymous, 401, "unauthorized");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an event whose transaction commits late is shown after the cursor, never skipped")
  void lateCommitIsNotSkipped(Vertx vertx, VertxTestContext ctx) {
    issue("late-1")
        .compose(v -> feedUntil(vertx, api, 1))
        .compose(seen -> db().getConnection().compose(conn -> conn.begin().compose(tx ->
            EventStore.append(conn, new EventStore.Draft("shop-1", "bill.expired", "late-1", null,
                    new JsonObject().put("billId", "late-1")))
                .compose(late -> issue("late-2"))
                .compose(v -> api.get("/v1/events?after=" + seen.get(0).getString("id")))
                .compose(whileOpen -> {
                  ctx.verify(() -> assertPage(whileOpen, List.of(), false));
                  return tx.commit();
                }))
            .eventually(conn::close))
            .compose(v -> api.get("/v1/events?after=" + seen.get(0).getString("id"))))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertThat(after.bodyAsJsonObject().getJsonArray("data").stream().map(e -> ((JsonObject) e).getString("type")
              + " " + ((JsonObject) e).getJsonObject("data").getString("billId")).toList())
              .containsExactly("bill.expired late-1", "bill.waiting late-2");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("without a webhook, redeliver answers 409 webhooks_not_configured for the caller's event, 404 for anything else, and changes nothing")
  void redeliverWithoutWebhook(Vertx vertx, VertxTestContext ctx) {
    MerchantApi other = new MerchantApi(vertx, gateway.running().httpPort(), TestSecrets.OTHER_MERCHANT_TOKEN);
    issue("again-1")
        .compose(v -> feedUntil(vertx, api, 1))
        .compose(events -> {
          String id = events.get(0).getString("id");
          return db().preparedQuery("UPDATE event SET delivery_state = 'delivered', delivered_at = now(), "
                  + "attempts = 3, last_error = 'HTTP 500' WHERE id = $1").execute(Tuple.of(id))
              .compose(v -> api.post("/v1/events/" + id + "/redeliver", null, null))
              .compose(refused -> {
                ctx.verify(() -> assertProblem(refused, 409, "webhooks_not_configured"));
                return db().preparedQuery("SELECT delivery_state, attempts, last_error FROM event WHERE id = $1")
                    .execute(Tuple.of(id));
              })
              .compose(rows -> {
                ctx.verify(() -> {
                  var row = rows.iterator().next();
                  assertThat(row.getString("delivery_state")).isEqualTo("delivered");
                  assertThat(row.getInteger("attempts")).isEqualTo(3);
                  assertThat(row.getString("last_error")).isEqualTo("HTTP 500");
                });
                return Future.all(other.post("/v1/events/" + id + "/redeliver", null, null),
                    api.post("/v1/events/evt_doesnotexist/redeliver", null, null),
                    api.post("/v1/events/not-an-event/redeliver", null, null));
              });
        })
        .onComplete(ctx.succeeding(missing -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            assertProblem(missing.resultAt(i), 404, "event_not_found");
          }
          ctx.completeNow();
        })));
  }

  private Future<Void> issue(String billId) {
    return api.post("/v1/bills", "key-" + billId, MerchantApi.bill(billId, "10.00")).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return null;
    });
  }

  private static void assertPage(HttpResponse<Buffer> page, List<JsonObject> expected, boolean hasMore) {
    assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = page.bodyAsJsonObject();
    assertThat(body.getJsonArray("data").getList()).containsExactlyElementsOf(
        expected.stream().map(JsonObject::getMap).toList());
    assertThat(body.getBoolean("hasMore")).isEqualTo(hasMore);
  }

  /**
   * The whole feed once it holds {@code count} events. An event shows once every older transaction
   * has ended, which the test cannot observe directly, hence the bounded re-reading.
   */
  private static Future<List<JsonObject>> feedUntil(Vertx vertx, MerchantApi through, int count) {
    Promise<List<JsonObject>> done = Promise.promise();
    read(vertx, through, count, 200, done);
    return done.future();
  }

  private static void read(Vertx vertx, MerchantApi through, int count, int triesLeft, Promise<List<JsonObject>> done) {
    through.get("/v1/events?limit=1000").onComplete(answer -> {
      if (answer.succeeded() && answer.result().statusCode() == 200) {
        List<JsonObject> events = answer.result().bodyAsJsonObject().getJsonArray("data").stream()
            .map(JsonObject.class::cast).toList();
        if (events.size() >= count) {
          done.complete(events);
          return;
        }
      }
      if (triesLeft == 0) {
        done.fail(new AssertionError("the feed never held " + count + " events"));
      } else {
        vertx.setTimer(25, id -> read(vertx, through, count, triesLeft - 1, done));
      }
    });
  }
}
