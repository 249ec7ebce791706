package dev.qiwigateway.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.Main;
import dev.qiwigateway.acceptance.MarketplaceReceiver.Delivery;
import dev.qiwigateway.config.MerchantTokens;
import dev.qiwigateway.sandbox.SandboxSettings;
import dev.qiwigateway.sandbox.SandboxVerticle;
import dev.qiwigateway.testing.ChildJvm;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import dev.qiwigateway.testing.TestPostgres;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gateways as real processes on the test's PostgreSQL database, talking to a QIWI sandbox and a
 * marketplace receiver that live in the test (so neither dies with a gateway). This thread only waits:
 * the sandbox and the receiver run on the test's Vert.x event loops.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Killing an instance right after it acknowledged a notification loses nothing")
class KilledInstanceLosesNothingTest {

  private static final int BILLS = 8;
  private static final String AMOUNT = "120.00";
  private static final Duration START_LIMIT = Duration.ofSeconds(120);
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private SandboxVerticle qiwiSandbox;
  private SandboxAdmin qiwiAdmin;
  private MarketplaceReceiver receiver;

  @BeforeEach
  void startQiwiAndMarketplace(Vertx vertx, VertxTestContext ctx) {
    // QIWI's own notifications stay off: the one notification that matters is sent, and answered, below.
    qiwiSandbox = new SandboxVerticle(SandboxSettings.defaults(TestSecrets.sandboxCredentials()));
    receiver = new MarketplaceReceiver(vertx);
    vertx.deployVerticle(qiwiSandbox)
        .compose(deployed -> receiver.start())
        .onComplete(ctx.succeeding(started -> {
          qiwiAdmin = new SandboxAdmin(vertx, qiwiSandbox.baseUrl());
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stopQiwiAndMarketplace(Vertx vertx, VertxTestContext ctx) {
    receiver.close().eventually(() -> vertx.undeploy(qiwiSandbox.deploymentID()))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A gateway on the shared database whose poller would first look at a bill an hour after its issue:
   * within the test, a bill can be paid only by the notification it acknowledged.
   */
  private Map<String, String> gatewayEnv(String pgUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_PROFILE", "dev");
    env.put("PG_URL", pgUrl);
    env.put("PG_POOL_SIZE", "4");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", "0");
    env.put("MANAGEMENT_PORT", "0");
    env.put("QIWI_BASE_URL", qiwiSandbox.baseUrl());
    env.put("QIWI_PAY_URL", qiwiSandbox.payUrl());
    env.put("QIWI_PRV_ID", TestSecrets.PRV_ID);
    env.put("QIWI_API_ID", TestSecrets.API_ID);
    env.put("QIWI_API_SECRET", TestSecrets.API_SECRET);
    env.put("QIWI_NOTIFY_PASSWORD", TestSecrets.NOTIFY_PASSWORD);
    env.put("API_TOKENS", "shop-1:" + MerchantTokens.sha256Hex(TestSecrets.MERCHANT_TOKEN));
    env.put("POLL_BILL_FIRST_DELAY_MS", "3600000");
    env.put("POLL_BILL_MAX_INTERVAL_MS", "3600000");
    env.put("DRAIN_TIMEOUT_MS", "2000");
    return env;
  }

  @Test
  @DisplayName("bills whose paid notifications an instance acknowledged just before it was killed are paid after "
      + "restart, and their bill.paid is delivered; QIWI's resent notifications add nothing")
  void acknowledgedPaymentsSurviveKill(Vertx vertx) throws Exception {
    String pgUrl = TestPostgres.newDatabase("killed-instance");
    List<String> bills = IntStream.range(0, BILLS).mapToObj(i -> "kill-" + i).toList();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    try (ChildJvm doomed = ChildJvm.start("acceptance-killed", Main.class, gatewayEnv(pgUrl))) {
      doomed.awaitOutput("qiwi-gateway ready", START_LIMIT);
      int port = portAfter(doomed.output(), "httpPort=");
      for (String billId : bills) {
        HttpResponse<String> created = send(post(port, "/v1/bills", "issue-" + billId,
            MerchantApi.bill(billId, AMOUNT).encode()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await(qiwiAdmin.pay(billId));
      }
      // Every notification at once; the first success answer kills the instance on the spot (SIGKILL).
      CountDownLatch firstAnswer = new CountDownLatch(1);
      List<CompletableFuture<Void>> notifications = bills.stream().map(billId -> http
          .sendAsync(notification(port, billId), HttpResponse.BodyHandlers.ofString())
          .thenAccept(answer -> {
            if (answer.statusCode() == 200 && answer.body().equals("{\"error\":0}")) {
              acknowledged.add(billId);
              doomed.close();
              firstAnswer.countDown();
            }
          })).toList();
      assertThat(firstAnswer.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("a notification was acknowledged").isTrue();
      CompletableFuture.allOf(notifications.stream().map(n -> n.handle((ok, killed) -> null))
          .toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(acknowledged).isNotEmpty();

    Map<String, String> env = gatewayEnv(pgUrl);
    receiver.gatewaySettings().forEach(setting -> env.put(setting.getKey(), String.valueOf(setting.getValue())));
    try (ChildJvm restarted = ChildJvm.start("acceptance-restarted", Main.class, env)) {
      restarted.awaitOutput("qiwi-gateway ready", START_LIMIT);
      int port = portAfter(restarted.output(), "httpPort=");
      for (String billId : acknowledged) {
        HttpResponse<String> read = send(get(port, "/v1/bills/" + billId));
        assertThat(new JsonObject(read.body()).getString("status")).as("%s after restart", billId).isEqualTo("paid");
      }
      await(receiver.await(all -> acknowledged.stream().allMatch(billId -> paidAnnounced(all, billId))));
      for (String billId : acknowledged) {
        assertAnnouncedOnce(billId);
      }

      // QIWI resends what it did not see acknowledged (and may resend the rest): every bill ends paid, once.
      for (String billId : bills) {
        HttpResponse<String> answer = send(notification(port, billId));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"error\":0}");
      }
      await(receiver.await(all -> bills.stream().allMatch(billId -> paidAnnounced(all, billId))));
      for (String billId : bills) {
        assertThat(new JsonObject(send(get(port, "/v1/bills/" + billId)).body()).getString("status")).isEqualTo("paid");
        assertAnnouncedOnce(billId);
      }
      assertThat(receiver.deliveries()).allMatch(Delivery::signed, "signed with the shared secret");
    }
  }

  private static boolean paidAnnounced(List<Delivery> deliveries, String billId) {
    return deliveries.stream().anyMatch(d -> billId.equals(d.billId()) && d.type().equals("bill.paid"));
  }

  private void assertAnnouncedOnce(String billId) {
    List<Delivery> delivered = receiver.of(billId);
    assertThat(delivered.stream().map(Delivery::type).distinct().toList()).as("webhooks of %s", billId)
        .containsExactly("bill.waiting", "bill.paid");
    assertThat(delivered.stream().filter(d -> d.type().equals("bill.paid")).map(Delivery::webhookId).distinct())
        .as("distinct bill.paid ids of %s", billId).hasSize(1);
  }

  private HttpRequest notification(int port, String billId) {
    Map<String, String> fields = QiwiNotifier.fields(billId, "paid", AMOUNT);
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/qiwi/notifications"))
        .timeout(LIMIT)
        .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .header("X-Api-Signature", QiwiNotifier.signature(fields))
        .POST(HttpRequest.BodyPublishers.ofString(QiwiNotifier.body(fields)))
        .build();
  }

  private static HttpRequest post(int port, String path, String idempotencyKey, String json) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(LIMIT)
        .header("Authorization", "Bearer " + TestSecrets.MERCHANT_TOKEN)
        .header("Idempotency-Key", idempotencyKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(LIMIT)
        .header("Authorization", "Bearer " + TestSecrets.MERCHANT_TOKEN)
        .GET()
        .build();
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The port a gateway logged, e.g. {@code httpPort="41234"} in its ready line. */
  private static int portAfter(String output, String marker) {
    int at = output.lastIndexOf(marker);
    assertThat(at).as("'%s' in the output", marker).isNotNegative();
    int start = at + marker.length() + (output.charAt(at + marker.length()) == '"' ? 1 : 0);
    int end = start;
    while (end < output.length() && Character.isDigit(output.charAt(end))) {
      end++;
    }
    return Integer.parseInt(output.substring(start, end));
  }
}
