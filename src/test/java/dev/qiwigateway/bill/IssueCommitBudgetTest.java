package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The regression guard of the create path's cost (issue 11), independent of machine speed: the writing
 * transactions (each a WAL flush before the answer) that one POST /v1/bills commits. Counted exactly
 * by PostgreSQL's transaction ids: every transaction that writes takes the next one, a read-only one
 * takes none. The gateway is quiet otherwise: no webhook dispatcher, no notification, no poll due for
 * an hour, nothing abandoned for the completer; those tasks read and take no id when they find nothing.
 * Ids are server-wide, so another database's autovacuum may take one meanwhile: the bound leaves room
 * for fewer than one such id per create, while one more commit per create exceeds it.
 */
@FreshGateway("counts the server's transaction ids: no other test's gateway may write meanwhile")
class IssueCommitBudgetTest extends GatewayTestBase {

  /** The key and the reserved bill; then QIWI's answer, its event and the stored reply. */
  private static final int WRITING_COMMITS_PER_CREATE = 2;
  private static final int CREATES = 20;

  @Override
  protected JsonObject settings() {
    return super.settings().put("POLL_BILL_FIRST_DELAY_MS", "3600000").put("POLL_BILL_MAX_INTERVAL_MS", "3600000");
  }

  @Test
  @DisplayName("a create commits twice: key and reserved bill, then QIWI's answer with its event and the stored reply")
  void twoCommitsPerCreate(VertxTestContext ctx) {
    create("warm-up")
        .compose(warm -> nextTransactionId())
        .compose(before -> createAll(0).compose(done -> nextTransactionId()).map(after -> after - before))
        .onComplete(ctx.succeeding(writing -> ctx.verify(() -> {
          assertThat(writing).as("writing transactions for %d creates", CREATES)
              .isGreaterThanOrEqualTo((long) WRITING_COMMITS_PER_CREATE * CREATES)
              .isLessThan((long) (WRITING_COMMITS_PER_CREATE + 1) * CREATES);
          ctx.completeNow();
        })));
  }

  private Future<Void> createAll(int done) {
    return done == CREATES ? Future.succeededFuture() : create("budget-" + done).compose(v -> createAll(done + 1));
  }

  private Future<Void> create(String billId) {
    return api.post("/v1/bills", billId + "-key", MerchantApi.bill(billId, "10.00")).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return null;
    });
  }

  /** The id the next writing transaction will get; reading it takes none. */
  private Future<Long> nextTransactionId() {
    return count("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
  }
}
