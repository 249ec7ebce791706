package dev.qiwigateway.idempotency;

import static dev.qiwigateway.idempotency.FakeBillOperations.RESERVED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.config.DatabaseSettings;
import dev.qiwigateway.db.Database;
import dev.qiwigateway.db.PostgresUrl;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/api.md#idempotency row by row, through real HTTP and a real PostgreSQL. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationRunnerTest {

  private static final String BILL = "{\"amount\":\"1499.00\",\"currency\":\"RUB\",\"comment\":\"Order 1842\"}";

  private IdempotencyTestBed bed;

  @BeforeAll
  void startBed(VertxTestContext ctx) {
    IdempotencyTestBed.start("idempotent_requests").onComplete(ctx.succeeding(started -> {
      bed = started;
      ctx.completeNow();
    }));
  }

  @AfterAll
  void closeBed(VertxTestContext ctx) {
    bed.close().onComplete(ctx.succeedingThenComplete());
  }

  static Stream<Arguments> invalidKeyHeaders() {
    return Stream.of(
        Arguments.of("missing", List.of()),
        Arguments.of("empty", List.of("")),
        Arguments.of("256 characters", List.of("k".repeat(256))),
        Arguments.of("a control character", List.of("order\t1842")),
        Arguments.of("sent twice", List.of("order-1842", "order-1842")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidKeyHeaders")
  @DisplayName("a bill request whose Idempotency-Key is missing, empty, too long, not printable ASCII or doubled is refused with 400")
  void invalidKeyRefused(String why, List<String> headerValues, VertxTestContext ctx) {
    int before = bed.bills.totalExecutions();
    bed.postWithKeyHeaders(headerValues, BILL).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertProblem(response, 400, "idempotency_key_invalid");
      assertThat(bed.bills.totalExecutions()).isEqualTo(before);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a bill request whose Idempotency-Key arrives as UTF-8 bytes outside ASCII is refused with 400")
  void nonAsciiKeyRefused(VertxTestContext ctx) {
    int before = bed.bills.totalExecutions();
    bed.postRaw("заказ-1842".getBytes(StandardCharsets.UTF_8), BILL)
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertThat(answer.status()).isEqualTo(400);
          assertThat(answer.body().getString("code")).isEqualTo("idempotency_key_invalid");
          assertThat(bed.bills.totalExecutions()).isEqualTo(before);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a key of exactly 255 printable characters, spaces included, is accepted")
  void longestKeyAccepted(VertxTestContext ctx) {
    String key = "~ " + "k".repeat(253);
    bed.post("/v1/bills", key, BILL).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(bed.bills.executionsOf(key)).hasSize(1);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a new key issues the bill once and stores its answer with the request's fingerprint")
  void newKeyProcessedAndStored(VertxTestContext ctx) {
    String key = "new-key-1";
    bed.post("/v1/bills", key, BILL)
        .compose(response -> storedRow(key).map(row -> {
          ctx.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.getHeader("Idempotent-Replayed")).isNull();
            String billId = response.bodyAsJsonObject().getString("billId");
            assertThat(response.getHeader("Location")).isEqualTo("/v1/bills/" + billId);
            assertThat(bed.bills.executionsOf(key)).hasSize(1);
            assertThat(row.getString("state")).isEqualTo("completed");
            assertThat(row.getString("fingerprint"))
                .isEqualTo(IdempotencyKey.fingerprint("POST", "/v1/bills", new JsonObject(BILL)));
            assertThat(row.getString("resource_id")).isEqualTo(billId);
            assertThat(row.getInteger("response_status")).isEqualTo(201);
            assertThat(row.getBuffer("response_body")).isEqualTo(response.body());
          });
          return row;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("the same key with the same bill replays the stored answer byte for byte, without issuing again")
  void sameRequestReplayed(VertxTestContext ctx) {
    String key = "replay-1";
    bed.post("/v1/bills", key, BILL).compose(first -> bed.post("/v1/bills", key, BILL).map(second -> {
      ctx.verify(() -> {
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.body().getBytes()).isEqualTo(first.body().getBytes());
        assertThat(second.getHeader("Location")).isEqualTo(first.getHeader("Location"));
        assertThat(second.getHeader("Content-Type")).isEqualTo(first.getHeader("Content-Type"));
        assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(bed.bills.executionsOf(key)).hasSize(1);
      });
      return second;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("member order and whitespace do not make a retried bill a different request")
  void canonicalBodyReplayed(VertxTestContext ctx) {
    String key = "canonical-1";
    String reordered = "{ \"comment\" : \"Order 1842\",\n  \"currency\":\"RUB\",   \"amount\": \"1499.00\" }";
    bed.post("/v1/bills", key, BILL).compose(first -> bed.post("/v1/bills", key, reordered).map(second -> {
      ctx.verify(() -> {
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(bed.bills.executionsOf(key)).hasSize(1);
      });
      return second;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("reusing a key for another amount or another path is refused with 422 and issues nothing")
  void differentRequestRefused(VertxTestContext ctx) {
    String key = "reused-1";
    String otherAmount = BILL.replace("1499.00", "1.00");
    bed.post("/v1/bills", key, BILL)
        .compose(first -> bed.post("/v1/bills", key, otherAmount))
        .compose(otherBody -> bed.post("/v1/bills/order-1/refunds", key, BILL).map(otherPath -> List.of(otherBody, otherPath)))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          answers.forEach(answer -> assertProblem(answer, 422, "idempotency_key_reused"));
          assertThat(bed.bills.executionsOf(key)).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a retry while the first request is still issuing the bill gets 409 with Retry-After: 1")
  void inProgressConflict(VertxTestContext ctx) {
    String key = "in-progress-1";
    String held = "{\"amount\":\"10.00\",\"scenario\":\"held\"}";
    var release = bed.bills.hold(key);
    Future<HttpResponse<Buffer>> first = bed.post("/v1/bills", key, held);
    waitForExecution(key)
        .compose(running -> bed.post("/v1/bills", key, held))
        .compose(retry -> {
          ctx.verify(() -> {
            assertProblem(retry, 409, "idempotency_key_in_use");
            assertThat(retry.getHeader("Retry-After")).isEqualTo("1");
          });
          release.complete();
          return first;
        })
        .compose(done -> bed.post("/v1/bills", key, held).map(replay -> {
          ctx.verify(() -> {
            assertThat(done.statusCode()).isEqualTo(201);
            assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.body()).isEqualTo(done.body());
            assertThat(bed.bills.executionsOf(key)).hasSize(1);
          });
          return replay;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("an unknown provider outcome is not stored; the retry resumes the same bill from its reservation")
  void unknownOutcomeResumedWithSameBillId(VertxTestContext ctx) {
    String key = "provider-down-1";
    String body = "{\"amount\":\"10.00\",\"scenario\":\"provider_down_once\"}";
    bed.post("/v1/bills", key, body)
        .compose(unavailable -> bed.store().storedReply(new IdempotencyKey(IdempotencyTestBed.MERCHANT, key))
            .map(stored -> {
              ctx.verify(() -> {
                assertProblem(unavailable, 503, "provider_unavailable");
                assertThat(unavailable.getHeader("Retry-After")).isEqualTo("5");
                assertThat(stored).isEmpty();
              });
              return stored;
            }))
        .compose(notStored -> bed.post("/v1/bills", key, body))
        .compose(resumed -> bed.post("/v1/bills", key, body).map(replay -> {
          ctx.verify(() -> {
            List<FakeBillOperations.Run> runs = bed.bills.executionsOf(key);
            assertThat(runs).hasSize(2);
            assertThat(runs.get(1).resourceId()).isEqualTo(runs.get(0).resourceId());
            assertThat(runs.get(0).resumedFrom()).isNull();
            assertThat(runs.get(1).resumedFrom()).isEqualTo(RESERVED);
            assertThat(resumed.statusCode()).isEqualTo(201);
            assertThat(resumed.getHeader("Idempotent-Replayed")).isNull();
            assertThat(resumed.bodyAsJsonObject().getString("billId")).isEqualTo(runs.get(0).resourceId());
            assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.body()).isEqualTo(resumed.body());
          });
          return replay;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a provider's refusal is a final 422 answer, stored and replayed as it was")
  void providerRejectionReplayed(VertxTestContext ctx) {
    String key = "rejected-1";
    String body = "{\"amount\":\"10.00\",\"scenario\":\"provider_rejected\"}";
    bed.post("/v1/bills", key, body).compose(first -> bed.post("/v1/bills", key, body).map(second -> {
      ctx.verify(() -> {
        assertProblem(first, 422, "provider_rejected");
        assertThat(first.bodyAsJsonObject().getInteger("providerCode")).isEqualTo(150);
        assertThat(first.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(second.statusCode()).isEqualTo(422);
        assertThat(second.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.body().getBytes()).isEqualTo(first.body().getBytes());
        assertThat(bed.bills.executionsOf(key)).hasSize(1);
      });
      return second;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("two merchants using the same key get two bills and never each other's answer")
  void keysScopedPerMerchant(VertxTestContext ctx) {
    String key = "shared-by-two-shops";
    int port = bed.primary().port();
    bed.post(port, "shop-a", "/v1/bills", key, BILL)
        .compose(a -> bed.post(port, "shop-b", "/v1/bills", key, BILL).map(b -> {
          ctx.verify(() -> {
            assertThat(a.statusCode()).isEqualTo(201);
            assertThat(b.statusCode()).isEqualTo(201);
            assertThat(b.getHeader("Idempotent-Replayed")).isNull();
            assertThat(b.bodyAsJsonObject().getString("billId")).isNotEqualTo(a.bodyAsJsonObject().getString("billId"));
            assertThat(bed.bills.executionsOf("shop-a", key)).hasSize(1);
            assertThat(bed.bills.executionsOf("shop-b", key)).hasSize(1);
          });
          return b;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("fifty concurrent retries of one new bill issue it exactly once; every other answer is the replay or 409")
  void concurrentRetriesIssueOnce(VertxTestContext ctx) {
    String key = "concurrent-50";
    String body = "{\"amount\":\"10.00\",\"scenario\":\"slow\"}";
    int port = bed.primary().port();
    List<Future<HttpResponse<Buffer>>> answers = IntStream.range(0, 50)
        .mapToObj(i -> bed.post(port, IdempotencyTestBed.MERCHANT, "/v1/bills", key, body)).toList();
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertExactlyOneIssue(key, answers.stream().map(Future::result).toList());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("two replicas on separate pools racing on one key issue the bill exactly once")
  void replicasRaceOnOneKey(VertxTestContext ctx) {
    String key = "two-replicas-1";
    String body = "{\"amount\":\"10.00\",\"scenario\":\"slow\"}";
    bed.startReplica().compose(second -> {
      int[] ports = {bed.primary().port(), second.port()};
      List<Future<HttpResponse<Buffer>>> answers = IntStream.range(0, 20)
          .mapToObj(i -> bed.post(ports[i % 2], IdempotencyTestBed.MERCHANT, "/v1/bills", key, body)).toList();
      return Future.all(answers).map(all -> answers.stream().map(Future::result).toList());
    }).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      assertExactlyOneIssue(key, answers);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a retry after the first handler died takes its expired lease over, with the stored bill id, from the bill it reserved")
  void expiredLeaseTakenOver(VertxTestContext ctx) {
    String key = "killed-handler-1";
    bed.killedHandler(key, BILL, "bill-of-dead-one", true)
        .compose(dead -> bed.post("/v1/bills", key, BILL))
        .compose(resumed -> bed.post("/v1/bills", key, BILL).map(replay -> {
          ctx.verify(() -> {
            assertThat(resumed.statusCode()).isEqualTo(201);
            assertThat(resumed.bodyAsJsonObject().getString("billId")).isEqualTo("bill-of-dead-one");
            assertThat(resumed.bodyAsJsonObject().getString("resumedFrom")).isEqualTo(RESERVED);
            assertThat(bed.bills.executionsOf(key)).hasSize(1);
            assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.body()).isEqualTo(resumed.body());
          });
          return replay;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("when the database cannot be reached the bill request is answered 503 unavailable with Retry-After, and nothing runs")
  void databaseDownIsUnavailable(VertxTestContext ctx) throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    String unreachable = PostgresUrl.of("127.0.0.1", deadPort, "gone", "postgres", null);
    int before = bed.bills.totalExecutions();
    bed.startReplica(Database.pool(bed.vertx, new DatabaseSettings(unreachable, 1)))
        .compose(cutOff -> bed.post(cutOff.port(), IdempotencyTestBed.MERCHANT, "/v1/bills", "db-down-1", BILL))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertProblem(response, 503, "unavailable");
          assertThat(response.getHeader("Retry-After")).isNotBlank();
          assertThat(bed.bills.totalExecutions()).isEqualTo(before);
          ctx.completeNow();
        })));
  }

  private void assertExactlyOneIssue(String key, List<HttpResponse<Buffer>> answers) {
    assertThat(bed.bills.executionsOf(key)).hasSize(1);
    List<HttpResponse<Buffer>> fresh = answers.stream()
        .filter(a -> a.statusCode() == 201 && a.getHeader("Idempotent-Replayed") == null).toList();
    assertThat(fresh).hasSize(1);
    for (HttpResponse<Buffer> answer : answers) {
      if (answer == fresh.get(0)) {
        continue;
      }
      if (answer.statusCode() == 409) {
        assertProblem(answer, 409, "idempotency_key_in_use");
        assertThat(answer.getHeader("Retry-After")).isEqualTo("1");
      } else {
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(answer.body()).isEqualTo(fresh.get(0).body());
      }
    }
  }

  private Future<Void> waitForExecution(String key) {
    return bed.bills.executionsOf(key).isEmpty()
        ? bed.vertx.timer(10).compose(later -> waitForExecution(key))
        : Future.succeededFuture();
  }

  private Future<Row> storedRow(String key) {
    return bed.pool().preparedQuery("SELECT * FROM idempotency_key WHERE merchant_id = $1 AND idem_key = $2")
        .execute(Tuple.of(IdempotencyTestBed.MERCHANT, key))
        .map(rows -> rows.iterator().next());
  }

  static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }
}
