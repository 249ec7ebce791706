package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("pull-v2 notifications with Basic credentials are accepted only with the shop's notification password")
class PullV2BasicNotificationTest extends NotificationTestBase {

  @Override
  protected JsonObject settings() {
    return super.settings().put("QIWI_DIALECT", "pull-v2").put("QIWI_NOTIFY_AUTH", "basic");
  }

  private static void assertAnswer(HttpResponse<Buffer> response, int httpStatus, int code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(httpStatus);
    assertThat(QiwiSender.pullV2Code(response)).isEqualTo(code);
  }

  private Future<HttpResponse<Buffer>> withAuthorization(Map<String, String> fields, String authorization) {
    return qiwi.send(FormCodec.encode(fields), QiwiSender.FORM,
        authorization == null ? Map.of() : Map.of("Authorization", authorization));
  }

  @Test
  @DisplayName("a bill paid at the sandbox becomes paid here through its Basic-authenticated notification, once")
  void sandboxPaymentArrives(VertxTestContext ctx) {
    issue("pay-3", "15.50")
        .compose(issued -> sandbox.pay("pay-3"))
        .compose(paid -> awaitStatus("pay-3", "paid"))
        .compose(bill -> Future.all(events("pay-3"), verdicts("pay-3")))
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<List<String>>resultAt(0)).containsExactly("bill.waiting", "bill.paid");
          assertThat(seen.<List<String>>resultAt(1)).contains("applied").doesNotContain("mismatch");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the shop's Basic credentials are accepted, whatever the case of the scheme name; a repeat changes nothing")
  void basicAccepted(VertxTestContext ctx) {
    Map<String, String> expired = QiwiSender.pullV2("basic-1", "expired", "20.00");
    String credentials = TestSecrets.credentials().notificationBasicAuthorization();
    issue("basic-1", "20.00")
        .compose(issued -> qiwi.sendPullV2Basic(expired))
        .compose(first -> {
          ctx.verify(() -> assertAnswer(first, 200, 0));
          return withAuthorization(expired, "basic " + credentials.substring("Basic ".length()));
        })
        .compose(again -> {
          ctx.verify(() -> assertAnswer(again, 200, 0));
          return Future.all(statusOf("basic-1"), events("basic-1"), verdicts("basic-1"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("expired");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting", "bill.expired");
          assertThat(seen.<List<String>>resultAt(2)).containsExactly("applied", "duplicate");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a wrong password, another shop, a signature instead of credentials or nothing at all get 401 with 150")
  void badCredentials(VertxTestContext ctx) {
    Map<String, String> paid = QiwiSender.pullV2("basic-2", "paid", "20.00");
    QiwiCredentials wrongPassword = QiwiCredentials.of(TestSecrets.PRV_ID, TestSecrets.API_ID, TestSecrets.API_SECRET, "guess");
    QiwiCredentials otherShop = QiwiCredentials.of("9999", TestSecrets.API_ID, TestSecrets.API_SECRET,
        TestSecrets.NOTIFY_PASSWORD);
    issue("basic-2", "20.00")
        .compose(issued -> withAuthorization(paid, wrongPassword.notificationBasicAuthorization()))
        .compose(wrong -> {
          ctx.verify(() -> {
            assertAnswer(wrong, 401, 150);
            assertThat(wrong.getHeader("WWW-Authenticate")).startsWith("Basic");
          });
          return withAuthorization(paid, otherShop.notificationBasicAuthorization());
        })
        .compose(other -> {
          ctx.verify(() -> assertAnswer(other, 401, 150));
          return qiwi.sendPullV2Signed(paid);
        })
        .compose(signed -> {
          ctx.verify(() -> assertAnswer(signed, 401, 150));
          return withAuthorization(paid, null);
        })
        .compose(none -> {
          ctx.verify(() -> assertAnswer(none, 401, 150));
          return Future.all(statusOf("basic-2"), events("basic-2"), verdicts("basic-2"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("waiting");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting");
          assertThat(seen.<List<String>>resultAt(2)).isEmpty();
          ctx.completeNow();
        })));
  }

  private static String basic(String decoded) {
    return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
  }

  /** QIWI's own example header, {@code Basic MjA0Mjp0ZXN0Cg==}, decodes to {@code 2042:test} and a newline. */
  @Test
  @DisplayName("credentials followed by exactly one LF or CRLF, as in QIWI's own example header, are accepted")
  void trailingNewlineAccepted(VertxTestContext ctx) {
    Map<String, String> paid = QiwiSender.pullV2("basic-nl", "paid", "20.00");
    String pair = TestSecrets.PRV_ID + ":" + TestSecrets.NOTIFY_PASSWORD;
    issue("basic-nl", "20.00")
        .compose(issued -> withAuthorization(paid, basic(pair + "\n")))
        .compose(lf -> {
          ctx.verify(() -> assertAnswer(lf, 200, 0));
          return withAuthorization(paid, basic(pair + "\r\n"));
        })
        .compose(crlf -> {
          ctx.verify(() -> assertAnswer(crlf, 200, 0));
          return Future.all(statusOf("basic-nl"), verdicts("basic-nl"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("applied", "duplicate");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("any other tail after the password (two newlines, a lone CR, a space, a tab, more text) is refused with 150")
  void otherTailsRefused(VertxTestContext ctx) {
    Map<String, String> paid = QiwiSender.pullV2("basic-tail", "paid", "20.00");
    String pair = TestSecrets.PRV_ID + ":" + TestSecrets.NOTIFY_PASSWORD;
    List<String> tails = List.of("\n\n", "\r", "\n\r", " ", "\t", " \n", "x", "\r\n\r\n");
    issue("basic-tail", "20.00")
        .compose(issued -> Future.all(tails.stream().map(tail -> withAuthorization(paid, basic(pair + tail))).toList()))
        .compose(answers -> {
          ctx.verify(() -> {
            for (int i = 0; i < tails.size(); i++) {
              assertAnswer(answers.resultAt(i), 401, 150);
            }
          });
          return withAuthorization(paid, basic(pair.substring(0, pair.length() - 1) + "\n"));
        })
        .compose(shortened -> {
          ctx.verify(() -> assertAnswer(shortened, 401, 150));
          return Future.all(statusOf("basic-tail"), verdicts("basic-tail"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("waiting");
          assertThat(seen.<List<String>>resultAt(1)).isEmpty();
          ctx.completeNow();
        })));
  }
}
