package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.qiwi.billpayments.sdk.client.BillPaymentClientFactory;
import com.qiwi.billpayments.sdk.model.BillStatus;
import com.qiwi.billpayments.sdk.model.MoneyAmount;
import com.qiwi.billpayments.sdk.model.in.PaymentInfo;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Currency;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The three web forms that issue the bill themselves: each checks its link, issues the bill and sends the
 * buyer on to the payment page; a link with a tampered amount issues nothing. Links are built here from the
 * protocol's words (and, for v1, by QIWI's own SDK), sharing no code with the sandbox.
 */
@DisplayName("The sandbox's web forms issue the bill from the link and show the payment page")
class SandboxWebFormTest extends SandboxTestBase {

  private static final String PUBLIC_KEY = "sandbox-public-key";
  private static final String API_PASSWORD = "453Fdgd443";

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> get(String pathAndQuery) throws Exception {
    return await(client.sendRaw(HttpMethod.GET, pathAndQuery, MultiMap.caseInsensitiveMultiMap(), null, 10_000));
  }

  /** Follows the form's redirect and answers the payment page it leads to. */
  private HttpResponse<Buffer> openAndFollow(String link) throws Exception {
    HttpResponse<Buffer> form = get(link);
    assertThat(form.statusCode()).as(form.bodyAsString()).isEqualTo(303);
    return get(form.getHeader("Location"));
  }

  /** §7: HMAC-SHA256 with the API password over amount|bill_id|public_key (names in alphabetical order), hex. */
  private static String sign(String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(API_PASSWORD.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("rest-v3 signed /form/create issues the bill and shows it on the payment page")
  void restV3SignedForm() throws Exception {
    String link = "/form/create?public_key=" + PUBLIC_KEY + "&bill_id=form-1&amount=10.00&sign="
        + sign("10.00|form-1|" + PUBLIC_KEY) + "&comm=Order%201842&success_url=https%3A%2F%2Fshop.example%2Fok";
    HttpResponse<Buffer> page = openAndFollow(link);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("form-1").contains("10.00 RUB").contains("value=\"pay\"");
    assertThat(await(client.adminBill("form-1")).getString("amount")).isEqualTo("10.00");
  }

  @Test
  @DisplayName("a signed link with a tampered amount is refused and issues nothing")
  void tamperedSignedLinkRefused() throws Exception {
    String genuineSign = sign("10.00|form-2|" + PUBLIC_KEY);
    HttpResponse<Buffer> tampered = get("/form/create?public_key=" + PUBLIC_KEY + "&bill_id=form-2&amount=1.00&sign="
        + genuineSign);
    assertThat(tampered.statusCode()).isEqualTo(403);
    assertThat(await(client.adminRaw(HttpMethod.GET, "/sandbox/bills/form-2", null)).statusCode()).isEqualTo(404);
    HttpResponse<Buffer> wrongKey = get("/form/create?public_key=other&bill_id=form-2&amount=10.00&sign="
        + genuineSign);
    assertThat(wrongKey.statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("v1: the SDK's createPaymentForm link issues a v1 bill the SDK then reads; another amount for it is refused")
  void v1PublicKeyForm() throws Exception {
    var sdk = BillPaymentClientFactory.createCustom("unused", new SandboxRoutedWebClient(client.port()));
    String sdkLink = sdk.createPaymentForm(new PaymentInfo(PUBLIC_KEY,
        new MoneyAmount(new BigDecimal("200.34"), Currency.getInstance("RUB")), "v1-form-bill",
        "https://shop.example/thanks"));
    URI uri = URI.create(sdkLink);
    assertThat(uri.getPath()).isEqualTo("/create");
    HttpResponse<Buffer> page = openAndFollow(uri.getRawPath() + "?" + uri.getRawQuery());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("v1-form-bill").contains("200.34 RUB").doesNotContain("value=\"fail\"");

    var v1 = BillPaymentClientFactory.createCustom(
        "MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==", new SandboxRoutedWebClient(client.port()));
    assertThat(v1.getBillInfo("v1-form-bill").getStatus().getValue()).isEqualTo(BillStatus.WAITING);
    assertThat(v1.getBillInfo("v1-form-bill").getCustomFields().getApiClient()).isEqualTo("java_sdk");

    String tampered = (uri.getRawPath() + "?" + uri.getRawQuery()).replace("amount=200.34", "amount=2.34");
    assertThat(get(tampered).statusCode()).isEqualTo(409);
    assertThat(get(tampered.replace("publicKey=" + PUBLIC_KEY, "publicKey=forged")).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("pull-v2 /order/external/create.action issues the bill; without summ the buyer is asked for it")
  void olderCreateAction() throws Exception {
    HttpResponse<Buffer> page = openAndFollow(
        "/order/external/create.action?from=2042&txn_id=old-1&summ=1.11&currency=RUB&to=%2B79031234567&comm=Test");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("old-1").contains("1.11 RUB").contains("tel:+79031234567");

    // QIWI's pull-v2 SDK's paymentFormCreatBill link: shop and transaction, empty optional parameters, no amount.
    String sdkShaped = "/order/external/create.action?shop=2042&transaction=old-2&iframe=false&successUrl=&failUrl="
        + "&pay_source=";
    HttpResponse<Buffer> entry = get(sdkShaped);
    assertThat(entry.statusCode()).isEqualTo(200);
    assertThat(entry.bodyAsString()).contains("name=\"summ\"").contains("name=\"transaction\" value=\"old-2\"");
    assertThat(openAndFollow(sdkShaped + "&summ=5").bodyAsString()).contains("old-2").contains("5.00 RUB");

    assertThat(get("/order/external/create.action?from=2042&txn_id=old-1&summ=2.22&currency=RUB&to=%2B79031234567")
        .statusCode()).isEqualTo(409);
    assertThat(get("/order/external/create.action?from=9999&txn_id=old-3&summ=1").statusCode()).isEqualTo(404);
  }
}
