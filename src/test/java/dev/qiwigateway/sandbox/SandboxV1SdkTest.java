package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qiwi.billpayments.sdk.client.BillPaymentClient;
import com.qiwi.billpayments.sdk.client.BillPaymentClientFactory;
import com.qiwi.billpayments.sdk.exception.BillPaymentServiceException;
import com.qiwi.billpayments.sdk.model.Bill;
import com.qiwi.billpayments.sdk.model.BillStatus;
import com.qiwi.billpayments.sdk.model.MoneyAmount;
import com.qiwi.billpayments.sdk.model.Notification;
import com.qiwi.billpayments.sdk.model.in.CreateBillInfo;
import com.qiwi.billpayments.sdk.model.in.Customer;
import com.qiwi.billpayments.sdk.model.out.BillResponse;
import com.qiwi.billpayments.sdk.model.out.RefundResponse;
import com.qiwi.billpayments.sdk.model.out.RefundStatus;
import com.qiwi.billpayments.sdk.utils.BillPaymentsUtils;
import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotificationSigner;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * QIWI's own Java SDK (1.5.0, unmodified) is the judge of the sandbox's partner/bill/v1 dialect: its
 * ObjectMapper fails on any field it does not know and on a date without an offset, so every call that
 * returns here without an exception is an answer QIWI's client accepts. The SDK's calls block, so they run on
 * the test thread, never on an event loop.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("QIWI's Java SDK drives the sandbox's v1 API and checks its notifications")
class SandboxV1SdkTest {

  /** SECRET_KEY of the document's example shop 2042 (rest-v3 and v1 present it as the bearer token). */
  private static final String SECRET_KEY = "MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==";

  private final MutableClock clock = MutableClock.startingNow();
  private NotificationReceiver receiver;
  private SandboxClient client;
  private BillPaymentClient sdk;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    receiver = new NotificationReceiver(vertx, Dialect.V1);
    SandboxVerticle sandbox = await(receiver.start().compose(ready -> {
      SandboxSettings settings = SandboxSettings.defaults(SandboxClient.CREDENTIALS)
          .withClock(clock)
          .withNotifications(Dialect.V1, NotifyAuth.SIGNATURE, receiver.notifyUrl())
          .withNotifyRetry(new SandboxSettings.RetrySchedule(Duration.ofMillis(20), 2.0, Duration.ofMillis(100), 5))
          .withRefundSettleDelay(Duration.ofHours(1));
      SandboxVerticle verticle = new SandboxVerticle(settings);
      return vertx.deployVerticle(verticle).map(id -> verticle);
    }));
    port = sandbox.actualPort();
    client = new SandboxClient(vertx, port);
    sdk = BillPaymentClientFactory.createCustom(SECRET_KEY, new SandboxRoutedWebClient(port));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private CreateBillInfo bill(String billId, String amount) {
    return new CreateBillInfo(billId, new MoneyAmount(new BigDecimal(amount), Currency.getInstance("RUB")),
        "Order 1842", ZonedDateTime.now(clock).plusDays(1).withZoneSameInstant(ZoneOffset.ofHours(3)),
        new Customer("buyer@example.com", "u-77", "79031234567"), "https://shop.example/thanks");
  }

  @Test
  @DisplayName("create, status, cancel, refund and refund status all return without an exception")
  void sdkDoesEveryOperation() throws Exception {
    String billId = UUID.randomUUID().toString();
    BillResponse created = sdk.createBill(bill(billId, "200.34"));
    assertThat(created.getBillId()).isEqualTo(billId);
    assertThat(created.getSiteId()).isEqualTo("2042");
    assertThat(created.getAmount().getValue()).isEqualByComparingTo("200.34");
    assertThat(created.getStatus().getValue()).isEqualTo(BillStatus.WAITING);
    assertThat(created.getCustomer().getEmail()).isEqualTo("buyer@example.com");
    assertThat(created.getCustomFields().getApiClient()).isEqualTo("java_sdk");
    assertThat(created.getPayUrl()).startsWith("http://127.0.0.1:" + port + "/form/?invoice_uid=")
        .contains("&successUrl=https%3A%2F%2Fshop.example%2Fthanks");

    assertThat(sdk.getBillInfo(billId).getStatus().getValue()).isEqualTo(BillStatus.WAITING);
    await(client.admin(HttpMethod.POST, "/sandbox/bills/" + billId + "/pay", null));
    assertThat(sdk.getBillInfo(billId).getStatus().getValue()).isEqualTo(BillStatus.PAID);

    MoneyAmount part = new MoneyAmount(new BigDecimal("100.00"), Currency.getInstance("RUB"));
    RefundResponse first = sdk.refundBill(billId, "r-1", part);
    assertThat(first.getStatus()).isEqualTo(RefundStatus.PARTIAL);
    assertThat(first.getRefundId()).isEqualTo("r-1");
    RefundResponse rest = sdk.refundBill(billId, "r-2",
        new MoneyAmount(new BigDecimal("100.34"), Currency.getInstance("RUB")));
    assertThat(rest.getStatus()).isEqualTo(RefundStatus.FULL);
    assertThat(sdk.getRefundInfo(billId, "r-1").getStatus()).isEqualTo(RefundStatus.PARTIAL);
    assertThat(sdk.getRefundInfo(billId, "r-2").getAmount().getValue()).isEqualByComparingTo("100.34");

    String cancelled = UUID.randomUUID().toString();
    sdk.createBill(bill(cancelled, "10"));
    assertThat(sdk.cancelBill(cancelled).getStatus().getValue()).isEqualTo(BillStatus.REJECTED);
  }

  @Test
  @DisplayName("the SDK's checkNotificationSignature accepts every notification the sandbox sends, and no altered one")
  void sdkAcceptsEveryNotification() throws Exception {
    String paid = UUID.randomUUID().toString();
    String rejected = UUID.randomUUID().toString();
    sdk.createBill(bill(paid, "1499"));
    sdk.createBill(bill(rejected, "10.5"));
    await(client.admin(HttpMethod.POST, "/sandbox/bills/" + paid + "/pay", null));
    sdk.cancelBill(rejected);

    List<NotificationReceiver.Received> notes = await(receiver.received(2));
    assertThat(notes).hasSize(2);
    for (NotificationReceiver.Received note : notes) {
      assertThat(note.headers().get("Content-Type")).startsWith("application/json");
      JsonObject body = new JsonObject(note.body());
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("bill", "version");
      assertThat(body.getString("version")).isEqualTo("1");
      String signature = note.headers().get("X-Api-Signature-SHA256");
      assertThat(signature).matches("[0-9a-f]{64}");
      assertThat(BillPaymentsUtils.checkNotificationSignature(signature, sdkNotification(body, null), SECRET_KEY))
          .as("signature of %s", note.body()).isTrue();
      BillStatus other = "PAID".equals(body.getJsonObject("bill").getJsonObject("status").getString("value"))
          ? BillStatus.REJECTED : BillStatus.PAID;
      assertThat(BillPaymentsUtils.checkNotificationSignature(signature, sdkNotification(body, other), SECRET_KEY))
          .isFalse();
    }
    assertThat(notes).extracting(note -> new JsonObject(note.body()).getJsonObject("bill").getString("billId"))
        .containsExactlyInAnyOrder(paid, rejected);
  }

  /** The SDK's own model of the notification, as a receiver builds it from the JSON (status optionally swapped). */
  private static Notification sdkNotification(JsonObject body, BillStatus swapped) {
    JsonObject bill = body.getJsonObject("bill");
    JsonObject amount = bill.getJsonObject("amount");
    BillStatus status = swapped != null ? swapped
        : BillStatus.valueOf(bill.getJsonObject("status").getString("value"));
    return new Notification(new Bill(bill.getString("siteId"), bill.getString("billId"),
        new MoneyAmount(new BigDecimal(amount.getString("value")), Currency.getInstance(amount.getString("currency"))),
        status), body.getString("version"));
  }

  @Test
  @DisplayName("QIWI's published v1 vector: the sandbox's signer and the SDK agree on 07e0ebb1...")
  void publishedVector() {
    String key = "test-merchant-secret-for-signature-check";
    String expected = "07e0ebb10916d97760c196034105d010607a6c6b7d72bfa1c3451448ac484a3b";
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("siteId", "test");
    fields.put("billId", "test_bill");
    fields.put("amount.value", "1");
    fields.put("amount.currency", "RUB");
    fields.put("status.value", "PAID");
    assertThat(NotificationSigner.withKey(Dialect.V1, key).sign(fields)).isEqualTo(expected);
    Notification notification = new Notification(new Bill("test", "test_bill",
        new MoneyAmount(BigDecimal.ONE, Currency.getInstance("RUB")), BillStatus.PAID), "1");
    assertThat(BillPaymentsUtils.checkNotificationSignature(expected, notification, key)).isTrue();
  }

  @Test
  @DisplayName("a wrong or missing bearer key is 401 auth.unauthorized with QIWI's error body")
  void badAuthorization() throws Exception {
    BillPaymentClient wrongKey = BillPaymentClientFactory.createCustom("not-the-key", new SandboxRoutedWebClient(port));
    assertThatThrownBy(() -> wrongKey.createBill(bill(UUID.randomUUID().toString(), "10.00")))
        .isInstanceOfSatisfying(BillPaymentServiceException.class, refused -> {
          assertThat(refused.getHttpStatus()).isEqualTo(401);
          assertThat(refused.getResponse().getErrorCode()).isEqualTo("auth.unauthorized");
          assertThat(refused.getResponse().getServiceName()).isEqualTo("invoicing-api");
          assertThat(refused.getResponse().getDateTime()).isNotNull();
        });
    HttpResponse<Buffer> missing = await(client.sendRaw(HttpMethod.GET, "/partner/bill/v1/bills/x",
        MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json"), null, 10_000));
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.bodyAsString()).doesNotContain("\n");
    assertThat(missing.bodyAsJsonObject().fieldNames()).isEqualTo(
        Set.of("serviceName", "errorCode", "description", "userMessage", "dateTime", "traceId"));
  }

  @Test
  @DisplayName("a PUT repeated with other parameters is validation.error (400) and leaves the bill; the same PUT is the bill again")
  void conflictingPut() throws Exception {
    String billId = UUID.randomUUID().toString();
    BillResponse first = sdk.createBill(bill(billId, "10.00"));
    assertThat(sdk.createBill(bill(billId, "10.00")).getCreationDateTime()).isEqualTo(first.getCreationDateTime());
    assertThatThrownBy(() -> sdk.createBill(bill(billId, "11.00")))
        .isInstanceOfSatisfying(BillPaymentServiceException.class, refused -> {
          assertThat(refused.getHttpStatus()).isEqualTo(400);
          assertThat(refused.getResponse().getErrorCode()).isEqualTo("validation.error");
        });
    assertThat(sdk.getBillInfo(billId).getAmount().getValue()).isEqualByComparingTo("10.00");
  }

  @Test
  @DisplayName("an unknown bill is 404 api.invoice.not.found; a refund beyond the bill is refund.incorrect.amount")
  void notFoundAndRefundTooLarge() throws Exception {
    assertThatThrownBy(() -> sdk.getBillInfo("no-such-bill"))
        .isInstanceOfSatisfying(BillPaymentServiceException.class, refused -> {
          assertThat(refused.getHttpStatus()).isEqualTo(404);
          assertThat(refused.getResponse().getErrorCode()).isEqualTo("api.invoice.not.found");
        });
    String billId = UUID.randomUUID().toString();
    sdk.createBill(bill(billId, "10.00"));
    await(client.admin(HttpMethod.POST, "/sandbox/bills/" + billId + "/pay", null));
    assertThatThrownBy(() -> sdk.refundBill(billId, "too-much",
        new MoneyAmount(new BigDecimal("10.01"), Currency.getInstance("RUB"))))
        .isInstanceOfSatisfying(BillPaymentServiceException.class, refused ->
            assertThat(refused.getResponse().getErrorCode()).isEqualTo("refund.incorrect.amount"));
  }

  @Test
  @DisplayName("fault injection reaches v1: an injected result 13 is QIWI's 503 internal error, then the call works")
  void injectedFault() throws Exception {
    String billId = UUID.randomUUID().toString();
    sdk.createBill(bill(billId, "10.00"));
    await(client.addFault(new JsonObject().put("fault", "result").put("resultCode", 13).put("dialect", "v1")
        .put("operations", new io.vertx.core.json.JsonArray().add("status")).put("count", 1)));
    assertThatThrownBy(() -> sdk.getBillInfo(billId))
        .isInstanceOfSatisfying(BillPaymentServiceException.class, refused -> {
          assertThat(refused.getHttpStatus()).isEqualTo(503);
          assertThat(refused.getResponse().getErrorCode()).isEqualTo("internal.invoicing.core.error");
        });
    assertThat(sdk.getBillInfo(billId).getStatus().getValue()).isEqualTo(BillStatus.WAITING);
    HttpResponse<Buffer> noUnpaid = await(client.adminRaw(HttpMethod.POST, "/sandbox/bills/" + billId + "/fail", null));
    assertThat(noUnpaid.statusCode()).isEqualTo(409);
  }

  @Test
  @DisplayName("wire tolerances: amount as a number, the Node SDK's null body on GET; no offset or > 45 days is refused")
  void wireTolerances() throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer " + SECRET_KEY)
        .add("Accept", "application/json")
        .add("Content-Type", "application/json;charset=UTF-8");
    String tomorrow = ZonedDateTime.now(clock).plusDays(1).withZoneSameInstant(ZoneOffset.ofHours(3))
        .withNano(0).toOffsetDateTime().toString();
    HttpResponse<Buffer> numeric = await(client.sendRaw(HttpMethod.PUT, "/partner/bill/v1/bills/numeric", headers,
        "{\"amount\":{\"currency\":\"RUB\",\"value\":200.34},\"expirationDateTime\":\"" + tomorrow + "\"}", 10_000));
    assertThat(numeric.statusCode()).as(numeric.bodyAsString()).isEqualTo(200);
    assertThat(numeric.bodyAsJsonObject().getJsonObject("amount").getString("value")).isEqualTo("200.34");

    HttpResponse<Buffer> nullBody = await(client.sendRaw(HttpMethod.GET, "/partner/bill/v1/bills/numeric", headers,
        "null", 10_000));
    assertThat(nullBody.statusCode()).isEqualTo(200);

    String local = tomorrow.substring(0, 19);
    HttpResponse<Buffer> noOffset = await(client.sendRaw(HttpMethod.PUT, "/partner/bill/v1/bills/local", headers,
        "{\"amount\":{\"currency\":\"RUB\",\"value\":\"1.00\"},\"expirationDateTime\":\"" + local + "\"}", 10_000));
    assertThat(noOffset.statusCode()).isEqualTo(400);
    assertThat(noOffset.bodyAsJsonObject().getString("errorCode")).isEqualTo("validation.error");

    String farAhead = ZonedDateTime.now(clock).plusDays(46).withNano(0).toOffsetDateTime().toString();
    HttpResponse<Buffer> tooLong = await(client.sendRaw(HttpMethod.PUT, "/partner/bill/v1/bills/far", headers,
        "{\"amount\":{\"currency\":\"RUB\",\"value\":\"1.00\"},\"expirationDateTime\":\"" + farAhead + "\"}", 10_000));
    assertThat(tooLong.statusCode()).isEqualTo(400);
  }
}
