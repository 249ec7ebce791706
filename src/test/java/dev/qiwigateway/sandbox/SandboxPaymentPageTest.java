package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxTestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A buyer can pay, decline or fail a bill on the sandbox's payment page")
class SandboxPaymentPageTest extends SandboxTestBase {

  private static final Pattern FORM = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"");
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  private NotificationReceiver shop;
  private WebClient browser;

  @Override
  protected Future<Void> beforeSandbox(Vertx vertx) {
    shop = new NotificationReceiver(vertx, Dialect.REST_V3);
    browser = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(true));
    return shop.start().mapEmpty();
  }

  private Future<QiwiReply> issued(String billId, String comment) {
    return client.issue(Dialect.REST_V3, billId,
        SandboxClient.with(SandboxClient.billFields(clock), "comment", comment));
  }

  private String checkoutUri(String billId) {
    return "/order/external/main.action?shop=2042&transaction=" + billId
        + "&successUrl=" + encode(shop.shopUrl("ok?from=qiwi")) + "&failUrl=" + encode(shop.shopUrl("fail"))
        + "&iframe=false&pay_source=qw";
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private Future<HttpResponse<Buffer>> open(String uri) {
    return browser.get(client.port(), "127.0.0.1", uri).send();
  }

  /** Submits the page's form the way a browser does when the named button is pressed. */
  private Future<HttpResponse<Buffer>> press(String pageHtml, String button) {
    Matcher form = FORM.matcher(pageHtml);
    assertThat(form.find()).as("the page has a form").isTrue();
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher hidden = HIDDEN.matcher(pageHtml);
    while (hidden.find()) {
      fields.put(hidden.group(1), hidden.group(2).replace("&amp;", "&").replace("&quot;", "\""));
    }
    fields.put("action", button);
    return browser.post(client.port(), "127.0.0.1", form.group(1))
        .putHeaders(MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/x-www-form-urlencoded"))
        .sendBuffer(Buffer.buffer(SandboxClient.form(fields)));
  }

  @Test
  @DisplayName("the page shows the bill, escaped, with Pay, Decline and Payment fails buttons")
  void pageShowsBill(VertxTestContext ctx) {
    issued("order-page", "Заказ <b>№1</b> & \"more\"")
        .compose(bill -> open(checkoutUri("order-page")))
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          assertThat(page.statusCode()).isEqualTo(200);
          assertThat(page.getHeader("Content-Type")).startsWith("text/html");
          String html = page.bodyAsString();
          assertThat(html).contains("order-page", "10.00", "RUB", "waiting",
              "Заказ &lt;b&gt;№1&lt;/b&gt; &amp; &quot;more&quot;");
          assertThat(html).doesNotContain("<b>№1</b>");
          assertThat(html).contains(">Pay</button>", ">Decline</button>", ">Payment fails</button>");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pressing Pay makes the bill paid and sends the buyer to successUrl with order={bill_id}")
  void payRedirectsToSuccess(VertxTestContext ctx) {
    issued("order-pay", "test")
        .compose(bill -> open(checkoutUri("order-pay")))
        .compose(page -> press(page.bodyAsString(), "pay"))
        .compose(landed -> {
          assertThat(landed.statusCode()).isEqualTo(200);
          assertThat(landed.bodyAsString()).isEqualTo("back at the shop");
          assertThat(landed.followedRedirects()).hasSize(1);
          return client.status(Dialect.PULL_V2, "order-pay");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.bill().getString("status")).isEqualTo("paid");
          assertThat(shop.shopVisits()).hasSize(1);
          NotificationReceiver.Received visit = shop.shopVisits().get(0);
          assertThat(visit.path()).isEqualTo("/shop/ok");
          assertThat(visit.query()).isEqualTo("from=qiwi&order=order-pay");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pressing Decline rejects the bill and sends the buyer to failUrl with order={bill_id}")
  void declineRedirectsToFail(VertxTestContext ctx) {
    issued("order-no", "test")
        .compose(bill -> open(checkoutUri("order-no")))
        .compose(page -> press(page.bodyAsString(), "decline"))
        .compose(landed -> client.status(Dialect.REST_V3, "order-no"))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.bill().getString("status")).isEqualTo("rejected");
          assertThat(shop.shopVisits()).hasSize(1);
          assertThat(shop.shopVisits().get(0).path()).isEqualTo("/shop/fail");
          assertThat(shop.shopVisits().get(0).query()).isEqualTo("order=order-no");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pressing Payment fails leaves the bill unpaid; without return URLs the page shows the result")
  void failShowsResult(VertxTestContext ctx) {
    issued("order-f", "test")
        .compose(bill -> open("/order/external/main.action?shop=2042&transaction=order-f"))
        .compose(page -> press(page.bodyAsString(), "fail"))
        .compose(result -> {
          assertThat(result.statusCode()).isEqualTo(200);
          assertThat(result.bodyAsString()).contains("unpaid");
          return client.status(Dialect.REST_V3, "order-f");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.bill().getString("status")).isEqualTo("unpaid");
          assertThat(shop.shopVisits()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a second press on a page left open changes nothing: the declined bill stays rejected")
  void secondPressRefused(VertxTestContext ctx) {
    issued("order-twice", "test")
        .compose(bill -> open(checkoutUri("order-twice")))
        .compose(page -> press(page.bodyAsString(), "decline").compose(first -> press(page.bodyAsString(), "pay")))
        .compose(second -> {
          assertThat(second.statusCode()).isEqualTo(409);
          assertThat(second.bodyAsString()).contains("already rejected");
          return open(checkoutUri("order-twice"));
        })
        .onComplete(ctx.succeeding(reopened -> ctx.verify(() -> {
          assertThat(reopened.bodyAsString()).contains("rejected").doesNotContain(">Pay</button>");
          assertThat(shop.shopVisits()).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an unknown bill or shop gets a 404 page; a broken link gets a 400 page")
  void errorPages(VertxTestContext ctx) {
    issued("order-x", "test")
        .compose(bill -> Future.all(
            open("/order/external/main.action?shop=2042&transaction=nobody"),
            open("/order/external/main.action?shop=1111&transaction=order-x"),
            open("/order/external/main.action?shop=2042"),
            open("/order/external/main.action?shop=2042&transaction=order-x&successUrl=javascript%3Aalert(1)"),
            open("/order/external/main.action?shop=2042&transaction=order-x&pay_source=bitcoin")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          int[] expected = {404, 404, 400, 400, 400};
          for (int i = 0; i < expected.length; i++) {
            HttpResponse<Buffer> page = all.resultAt(i);
            assertThat(page.statusCode()).as("page #" + i).isEqualTo(expected[i]);
            assertThat(page.getHeader("Content-Type")).startsWith("text/html");
            assertThat(page.bodyAsString()).contains("<h1>");
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the payUrl the sandbox announces is the page's own address")
  void payUrlIsThePage(VertxTestContext ctx) {
    assertThat(sandbox.payUrl()).isEqualTo("http://127.0.0.1:" + sandbox.actualPort() + "/order/external/main.action");
    issued("order-u", "test")
        .compose(bill -> browser.getAbs(sandbox.payUrl() + "?shop=2042&transaction=order-u").send())
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          assertThat(page.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("optional link parameters given empty, as QIWI's pull-v2 SDK sends them, are ignored")
  void emptyOptionalParameters(VertxTestContext ctx) {
    issued("order-e", "test")
        .compose(bill -> open("/order/external/main.action?shop=2042&transaction=order-e&successUrl=&failUrl="
            + "&pay_source=&iframe=&target="))
        .compose(page -> {
          assertThat(page.statusCode()).isEqualTo(200);
          return press(page.bodyAsString(), "pay");
        })
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.statusCode()).isEqualTo(200);
          assertThat(result.bodyAsString()).contains("The bill is now paid.");
          assertThat(shop.shopVisits()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a form post without a known action is refused with 400 and the bill keeps waiting")
  void unknownAction(VertxTestContext ctx) {
    issued("order-a", "test")
        .compose(bill -> client.web().post(client.port(), "127.0.0.1", "/order/external/main.action")
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("shop=2042&transaction=order-a&action=refund")))
        .compose(refused -> {
          assertThat(refused.statusCode()).isEqualTo(400);
          return client.admin(HttpMethod.GET, "/sandbox/bills/order-a", null);
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }
}
