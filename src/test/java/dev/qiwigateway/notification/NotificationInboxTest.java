package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A notification batch is one statement and one commit, and its events carry the bill resource")
class NotificationInboxTest extends NotificationTestBase {

  private static QiwiNotification paid(String billId, String amount) {
    return new QiwiNotification(QiwiDialect.REST_V3, billId, BillStatus.PAID, new BigDecimal(amount), "RUB",
        TestSecrets.PRV_ID, true, "127.0.0.1", "bill_id=" + billId + "&status=paid");
  }

  /**
   * The regression guard of the ingest path's cost: whatever the batch holds (moves, duplicates, unknown
   * bills, a bill still being issued), it reaches PostgreSQL as one statement on the pool, committed on
   * its own: no explicit transaction, no second round trip. A change that adds one fails here.
   */
  @Test
  @DisplayName("a batch of 40 notifications of every verdict costs one statement and no explicit transaction")
  void oneStatementPerBatch(VertxTestContext ctx) {
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    NotificationInbox inbox = new NotificationInbox(counting(db(), calls));
    List<QiwiNotification> batch = new ArrayList<>();
    IntStream.range(0, 10).forEach(i -> {
      batch.add(paid("budget-" + i, "10.00"));
      batch.add(paid("budget-" + i, "10.00"));
      batch.add(paid("budget-" + i, "11.00"));
      batch.add(paid("budget-unknown-" + i, "10.00"));
    });
    Future.all(IntStream.range(0, 10).mapToObj(i -> issue("budget-" + i, "10.00")).toList())
        .compose(issued -> inbox.record(batch))
        .onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
          assertThat(calls).containsExactly("preparedQuery");
          for (int i = 0; i < 10; i++) {
            assertThat(verdicts.subList(4 * i, 4 * i + 4))
                .containsExactly(Verdict.APPLIED, Verdict.DUPLICATE, Verdict.MISMATCH, Verdict.UNKNOWN_BILL);
          }
          ctx.completeNow();
        })));
  }

  /**
   * The ingest statement is longer than the pg client caches by default (2,048 characters): uncached, it
   * went to PostgreSQL as an unnamed statement, parsed, analysed and planned on every batch, which perf
   * put at a quarter of PostgreSQL's CPU per notification. Cached, the connection holds it prepared.
   */
  @Test
  @DisplayName("the ingest statement stays prepared on its connection between batches")
  void ingestStatementStaysPrepared(VertxTestContext ctx) {
    Tuple batch = NotificationInbox.arguments(List.of(paid("prepared-unknown", "10.00")));
    db().withConnection(connection -> connection.preparedQuery(NotificationInbox.RECORD).execute(batch)
            .compose(first -> connection.preparedQuery(NotificationInbox.RECORD).execute(batch))
            .compose(second -> connection.preparedQuery(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1")
                .execute(Tuple.of(NotificationInbox.RECORD))))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertThat(NotificationInbox.RECORD.length()).isGreaterThan(2_048);
          assertThat(rows.iterator().next().getLong(0)).isEqualTo(1L);
          ctx.completeNow();
        })));
  }

  /**
   * The batch statement builds the paid event's body in SQL; the poller, the cancel and the merchant API
   * build the bill resource in Java (Bill.toJson). They must be the same JSON.
   */
  @Test
  @DisplayName("the bill.paid event written by the batch carries exactly the bill resource the API shows")
  void eventBodyIsTheBillResource(VertxTestContext ctx) {
    JsonObject full = dev.qiwigateway.testing.MerchantApi.bill("shape-1", "1499.50")
        .put("paySource", "qw").put("providerName", "Marketplace")
        .put("successUrl", "https://shop.example/ok").put("failUrl", "https://shop.example/fail");
    api.post("/v1/bills", "issue-shape-1", full)
        .compose(created -> {
          assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
          return qiwi.sendRestV3(QiwiSender.restV3("shape-1", "paid", "1499.50"));
        })
        .compose(answer -> {
          assertThat(QiwiSender.restV3Code(answer)).isZero();
          return Future.all(api.get("/v1/bills/shape-1"), db()
              .preparedQuery("SELECT id, payload::text FROM event WHERE bill_id = $1 AND type = 'bill.paid'")
              .execute(Tuple.of("shape-1")));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          JsonObject bill = seen.<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>resultAt(0)
              .bodyAsJsonObject();
          io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> events = seen.resultAt(1);
          assertThat(events.size()).isEqualTo(1);
          io.vertx.sqlclient.Row event = events.iterator().next();
          JsonObject payload = new JsonObject(event.getString(1));
          assertThat(payload.getString("id")).isEqualTo(event.getString(0));
          assertThat(payload.getString("type")).isEqualTo("bill.paid");
          assertThat(payload.getString("createdAt")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
          assertThat(payload.getJsonObject("data")).isEqualTo(bill);
          ctx.completeNow();
        })));
  }

  /** The pool, recording the name of every method the inbox calls on it. */
  private static Pool counting(Pool pool, List<String> calls) {
    InvocationHandler handler = (proxy, method, args) -> {
      calls.add(method.getName());
      try {
        return method.invoke(pool, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class}, handler);
  }
}
