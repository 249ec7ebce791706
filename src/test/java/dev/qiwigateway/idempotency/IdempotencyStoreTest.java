package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store's guarantees between replicas: one holder per key, fenced leases, answers committed with the caller. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyStoreTest {

  private static final Duration SHORT_LEASE = Duration.ofMillis(200);
  private static final JsonObject BILL = new JsonObject().put("amount", "10.00").put("currency", "RUB");
  private static final String FINGERPRINT = IdempotencyKey.fingerprint("POST", "/v1/bills", BILL);

  private IdempotencyTestBed bed;
  private Pool otherPool;
  private IdempotencyStore replicaA;
  private IdempotencyStore replicaB;

  @BeforeAll
  void startBed(VertxTestContext ctx) {
    IdempotencyTestBed.start("idempotency_store").onComplete(ctx.succeeding(started -> {
      bed = started;
      otherPool = bed.newPool();
      replicaA = new IdempotencyStore(bed.pool(), IdempotencyTestBed.LEASE);
      replicaB = new IdempotencyStore(otherPool, IdempotencyTestBed.LEASE);
      ctx.completeNow();
    }));
  }

  @AfterAll
  void closeBed(VertxTestContext ctx) {
    bed.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("two replicas claiming one new key at once: exactly one may issue the bill, the rest see it in use, then its answer")
  void oneHolderAcrossReplicas(VertxTestContext ctx) {
    IdempotencyKey key = key("race-1");
    List<Future<IdempotencyRecord.Claim>> claims = IntStream.range(0, 40)
        .mapToObj(i -> (i % 2 == 0 ? replicaA : replicaB).claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-" + i))
        .toList();
    Reply answer = Reply.json(201, new JsonObject().put("billId", "race"));
    Future.all(claims)
        .compose(all -> {
          List<IdempotencyRecord.Claim> results = claims.stream().map(Future::result).toList();
          List<IdempotencyRecord.Claim.Acquired> acquired = results.stream()
              .filter(IdempotencyRecord.Claim.Acquired.class::isInstance).map(IdempotencyRecord.Claim.Acquired.class::cast).toList();
          ctx.verify(() -> {
            assertThat(acquired).hasSize(1);
            assertThat(results).filteredOn(IdempotencyRecord.Claim.InUse.class::isInstance).hasSize(39);
          });
          return replicaA.complete(bed.pool(), acquired.get(0).record(), answer);
        })
        .compose(done -> replicaB.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-late"))
        .onComplete(ctx.succeeding(claim -> ctx.verify(() -> {
          assertThat(claim).isEqualTo(new IdempotencyRecord.Claim.Replay(answer));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a holder whose lease was taken over can no longer complete the bill request or end the new holder's lease")
  void staleHolderFenced(VertxTestContext ctx) {
    IdempotencyKey key = key("fenced-1");
    IdempotencyStore slow = new IdempotencyStore(bed.pool(), SHORT_LEASE);
    Reply fresh = Reply.json(201, new JsonObject().put("billId", "bill-slow"));
    List<IdempotencyRecord> holders = new ArrayList<>();
    slow.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-slow")
        .map(claim -> holders.add(((IdempotencyRecord.Claim.Acquired) claim).record()))
        .compose(held -> bed.vertx.timer(SHORT_LEASE.toMillis() * 3))
        .compose(expired -> replicaB.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-other"))
        .map(claim -> holders.add(((IdempotencyRecord.Claim.Acquired) claim).record()))
        .compose(taken -> {
          ctx.verify(() -> {
            IdempotencyRecord successor = holders.get(1);
            assertThat(successor.resourceId()).isEqualTo("bill-slow");
            assertThat(successor.leaseToken()).isNotEqualTo(holders.get(0).leaseToken());
          });
          return slow.release(holders.get(0));
        })
        .compose(released -> replicaA.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-third"))
        .compose(third -> {
          ctx.verify(() -> assertThat(third).isInstanceOf(IdempotencyRecord.Claim.InUse.class));
          return slow.complete(bed.pool(), holders.get(0), fresh).transform(Future::succeededFuture);
        })
        .compose(staleComplete -> {
          ctx.verify(() -> assertThat(staleComplete.cause()).isInstanceOf(IdempotencyRecord.LeaseLost.class));
          return replicaB.complete(otherPool, holders.get(1), fresh);
        })
        .compose(completed -> replicaA.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-fourth"))
        .onComplete(ctx.succeeding(claim -> ctx.verify(() -> {
          assertThat(claim).isEqualTo(new IdempotencyRecord.Claim.Replay(fresh));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the stored answer commits or rolls back with the bill's own transaction")
  void answerCommitsWithCallerTransaction(VertxTestContext ctx) {
    IdempotencyKey key = key("tx-1");
    Reply answer = Reply.json(201, new JsonObject().put("billId", "bill-tx"));
    replicaA.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-tx")
        .map(claim -> ((IdempotencyRecord.Claim.Acquired) claim).record())
        .compose(record -> bed.pool()
            .withTransaction(conn -> replicaA.complete(conn, record, answer)
                .compose(stored -> Future.failedFuture(new IllegalStateException("bill insert failed"))))
            .transform(rolledBack -> replicaA.storedReply(key))
            .compose(stored -> {
              ctx.verify(() -> assertThat(stored).isEmpty());
              return replicaB.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-other");
            })
            .compose(retry -> {
              ctx.verify(() -> assertThat(retry).isInstanceOf(IdempotencyRecord.Claim.InUse.class));
              return bed.pool().withTransaction(conn -> replicaA.complete(conn, record, answer));
            }))
        .compose(committed -> replicaB.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-other"))
        .onComplete(ctx.succeeding(claim -> ctx.verify(() -> {
          assertThat(claim).isEqualTo(new IdempotencyRecord.Claim.Replay(answer));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a released request is resumed by its very next retry, with the bill id it was first given")
  void releasedKeyResumedAtOnce(VertxTestContext ctx) {
    IdempotencyKey key = key("released-1");
    replicaA.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-first")
        .compose(claim -> replicaA.release(((IdempotencyRecord.Claim.Acquired) claim).record()))
        .compose(released -> replicaB.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-second"))
        .onComplete(ctx.succeeding(claim -> ctx.verify(() -> {
          assertThat(claim).isInstanceOf(IdempotencyRecord.Claim.Acquired.class);
          assertThat(((IdempotencyRecord.Claim.Acquired) claim).record().resourceId()).isEqualTo("bill-first");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("completers of two replicas share the abandoned requests without ever taking one twice")
  void abandonedRequestsSharedOut(VertxTestContext ctx) {
    IdempotencyStore dying = new IdempotencyStore(bed.pool(), SHORT_LEASE);
    List<String> keys = IntStream.range(0, 10).mapToObj(i -> "abandoned-" + i).toList();
    Future.all(keys.stream().map(k -> dying.claim(new IdempotencyKey("shop-abandoned", k), FINGERPRINT, Kind.ISSUE_BILL,
            request(), "bill-" + k)).toList())
        .compose(claimed -> bed.vertx.timer(SHORT_LEASE.toMillis() * 3))
        .compose(expired -> {
          Future<List<IdempotencyRecord>> a = replicaA.claimAbandoned(50);
          Future<List<IdempotencyRecord>> b = replicaB.claimAbandoned(50);
          return Future.all(a, b).map(both -> {
            List<IdempotencyRecord> all = new ArrayList<>(a.result());
            all.addAll(b.result());
            return all;
          });
        })
        .onComplete(ctx.succeeding(taken -> ctx.verify(() -> {
          List<String> ours = taken.stream().filter(r -> r.merchantId().equals("shop-abandoned"))
              .map(IdempotencyRecord::key).toList();
          assertThat(ours).containsExactlyInAnyOrderElementsOf(keys);
          assertThat(taken).allSatisfy(record -> assertThat(record.resourceId()).isEqualTo("bill-" + record.key()));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the same key with a different body is reported as reused, even while the first request runs")
  void differentFingerprintReused(VertxTestContext ctx) {
    IdempotencyKey key = key("reused-1");
    String otherFingerprint = IdempotencyKey.fingerprint("POST", "/v1/bills", BILL.copy().put("amount", "11.00"));
    replicaA.claim(key, FINGERPRINT, Kind.ISSUE_BILL, request(), "bill-1")
        .compose(first -> replicaB.claim(key, otherFingerprint, Kind.ISSUE_BILL, request(), "bill-2"))
        .onComplete(ctx.succeeding(claim -> ctx.verify(() -> {
          assertThat(claim).isInstanceOf(IdempotencyRecord.Claim.Reused.class);
          ctx.completeNow();
        })));
  }

  private static IdempotencyKey key(String value) {
    return new IdempotencyKey("shop-store", value);
  }

  private static JsonObject request() {
    return new JsonObject().put("body", BILL);
  }
}
