package dev.qiwigateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.Main;
import dev.qiwigateway.testing.ChildJvm;
import dev.qiwigateway.testing.TestPostgres;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gateway as a real process, SIGTERMed while QIWI is delivering a burst of payment notifications.
 * An acknowledged notification is one QIWI never sends again, so every 200 must stand for a committed
 * payment; whatever the stopping gateway could not take must be refused in a way QIWI retries.
 * (NotificationShutdownTest proves the drain for one held batch, in-process.)
 */
@DisplayName("A gateway SIGTERMed during a burst of payment notifications acknowledges only what it committed")
class NotificationBurstSigtermTest {

  private static final int BILLS = 600;
  private static final int SIGTERM_AFTER_ACKS = 100;
  private static final long DRAIN_TIMEOUT_MS = 5_000;
  private static final String HELD_BILL = "burst-1";
  /** Issued and waiting bills, as the checkout's POSTs would have left them; the poller is kept off them. */
  private static final String SEED = "INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, "
      + "pay_url, expires_at, created_by_key, issue_state, status, next_poll_at) "
      + "SELECT 'burst-' || i, 'shop-1', 10.00, 'RUB', 'tel:+79161234567', 'Order burst-' || i, "
      + "'https://pay.example/burst-' || i, now() + interval '1 day', 'seed-' || i, 'issued', 'waiting', "
      + "now() + interval '1 hour' FROM generate_series(1, " + BILLS + ") AS i";

  private Vertx vertx;
  private Pool db;

  /** How QIWI saw one notification: the HTTP status and result code, or -1 when no answer came at all. */
  private record Delivery(String billId, int status, int resultCode, String failure) {

    static Delivery answered(String billId, HttpResponse<Buffer> response) {
      return new Delivery(billId, response.statusCode(), PaidNotification.resultCode(response), null);
    }

    static Delivery unanswered(String billId, Throwable failure) {
      return new Delivery(billId, -1, -1, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    boolean acknowledged() {
      return status == 200 && resultCode == 0;
    }

    /** QIWI delivers again after anything but a 200 with result code 0; 503 with 13 is the protocol's "later". */
    boolean retriedByQiwi() {
      return status == -1 || (status == 503 && resultCode == 13);
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (db != null) {
      await(db.close());
    }
    await(vertx.close());
  }

  @Test
  @DisplayName("every notification answered 200 is in the inbox with its bill paid, the rest were refused so that QIWI resends, and the process exits cleanly")
  void sigtermDuringBurst() throws Exception {
    String pgUrl = TestPostgres.newDatabase("sigterm_burst");
    db = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    Map<String, String> env = Map.of(
        "GATEWAY_PROFILE", "dev",
        "PG_URL", pgUrl,
        "HTTP_PORT", "0",
        "MANAGEMENT_PORT", "0",
        "SANDBOX_PORT", "0",
        "QIWI_PRV_ID", TestSecrets.PRV_ID,
        "QIWI_API_ID", TestSecrets.API_ID,
        "QIWI_API_SECRET", TestSecrets.API_SECRET,
        "DRAIN_TIMEOUT_MS", Long.toString(DRAIN_TIMEOUT_MS));
    try (ChildJvm gateway = ChildJvm.start("sigterm-burst", Main.class, env)) {
      gateway.awaitOutput("qiwi-gateway ready", Duration.ofSeconds(120));
      int port = portAfter(gateway.output(), "httpPort=");
      await(db.query(SEED).execute());

      // One batch is held inside its transaction (another transaction holds its bill's row) until the
      // gateway has begun to stop: it is in flight during shutdown by construction, not by luck.
      SqlConnection holder = await(db.getConnection());
      Transaction lock = await(holder.begin());
      await(holder.query("SELECT 1 FROM bill WHERE bill_id = '" + HELD_BILL + "' FOR UPDATE").execute());
      Future<Delivery> held = deliver(WebClient.create(vertx), port, HELD_BILL);
      awaitHeldBatch();

      CompletableFuture<Void> sigtermSent = new CompletableFuture<>();
      AtomicInteger acknowledged = new AtomicInteger();
      AtomicInteger settled = new AtomicInteger();
      AtomicInteger settledAtSigterm = new AtomicInteger(-1);
      long[] terminatedAt = new long[1];
      WebClient qiwi = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(16));
      List<Future<Delivery>> burst = new ArrayList<>();
      for (int i = 2; i <= BILLS; i++) {
        burst.add(deliver(qiwi, port, "burst-" + i).onSuccess(delivery -> {
          int done = settled.incrementAndGet();
          if (delivery.acknowledged() && acknowledged.incrementAndGet() == SIGTERM_AFTER_ACKS) {
            settledAtSigterm.set(done);
            terminatedAt[0] = System.nanoTime();
            gateway.terminate();
            sigtermSent.complete(null);
          }
        }));
      }
      sigtermSent.get(90, TimeUnit.SECONDS);
      gateway.awaitOutput("shutting down", Duration.ofSeconds(30));
      await(lock.commit());
      holder.close();
      await(Future.join(burst));
      Delivery heldDelivery = await(held);
      int exit = gateway.waitForExit(Duration.ofMillis(DRAIN_TIMEOUT_MS + 30_000));
      long stoppedInMs = (System.nanoTime() - terminatedAt[0]) / 1_000_000;

      List<Delivery> deliveries = new ArrayList<>(burst.stream().map(Future::result).toList());
      deliveries.add(heldDelivery);
      assertThat(settledAtSigterm.get()).as("notifications settled when SIGTERM was sent").isLessThan(BILLS - 1);
      assertThat(heldDelivery.acknowledged())
          .as("the batch in flight when shutdown began was committed and acknowledged: %s", heldDelivery).isTrue();
      assertThat(deliveries).as("answers other than an acknowledgement QIWI would not retry")
          .allMatch(delivery -> delivery.acknowledged() || delivery.retriedByQiwi());
      assertThat(exit).as("a clean drain exits 0").isZero();
      assertThat(stoppedInMs).as("SIGTERM to exit, ms").isLessThan(DRAIN_TIMEOUT_MS + 10_000);
      assertThat(gateway.output()).contains("gateway stopped").doesNotContain("shutdown did not finish cleanly");

      Set<String> acknowledgedBills = new HashSet<>();
      deliveries.stream().filter(Delivery::acknowledged).forEach(delivery -> acknowledgedBills.add(delivery.billId()));
      Set<String> paid = ids("SELECT bill_id FROM bill WHERE status = 'paid'");
      Set<String> applied = ids("SELECT bill_id FROM notification_inbox WHERE verdict = 'applied'");
      Set<String> paidEvents = ids("SELECT bill_id FROM event WHERE type = 'bill.paid'");
      assertThat(paid).as("paid bills").containsAll(acknowledgedBills);
      assertThat(applied).as("bills with an applied inbox row").isEqualTo(paid);
      assertThat(paidEvents).as("bills with a bill.paid event").isEqualTo(paid);
      assertThat(count("SELECT count(*) FROM event WHERE type = 'bill.paid'")).as("one event per payment")
          .isEqualTo(paid.size());
      assertThat(count("SELECT count(*) FROM notification_inbox WHERE verdict = 'applied'")).as("one row per payment")
          .isEqualTo(paid.size());
    }
  }

  private static Future<Delivery> deliver(WebClient qiwi, int port, String billId) {
    return new PaidNotification(billId, "10.00").sendTo(qiwi, port)
        .map(response -> Delivery.answered(billId, response))
        .otherwise(failure -> Delivery.unanswered(billId, failure));
  }

  /** Until a gateway transaction waits for the held bill's row lock. */
  private void awaitHeldBatch() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND wait_event_type = 'Lock'") == 0) {
      assertThat(System.nanoTime() - deadline).as("a batch waits for the held bill").isNegative();
      Thread.sleep(50);
    }
  }

  private Set<String> ids(String sql) throws Exception {
    Set<String> ids = new HashSet<>();
    for (Row row : await(db.query(sql).execute())) {
      ids.add(row.getString(0));
    }
    return ids;
  }

  private long count(String sql) throws Exception {
    return await(db.query(sql).execute()).iterator().next().getLong(0);
  }

  /** Waits on the test's own thread (never an event loop) for a result, with an upper bound for a broken build. */
  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static int portAfter(String output, String marker) {
    int at = output.lastIndexOf(marker);
    assertThat(at).as("'%s' in the gateway's output", marker).isNotNegative();
    int start = at + marker.length() + (output.charAt(at + marker.length()) == '"' ? 1 : 0);
    int end = start;
    while (end < output.length() && Character.isDigit(output.charAt(end))) {
      end++;
    }
    return Integer.parseInt(output.substring(start, end));
  }
}
