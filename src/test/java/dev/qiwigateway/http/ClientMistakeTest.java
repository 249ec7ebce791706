package dev.qiwigateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.RawHttp;
import dev.qiwigateway.testing.RootLogCapture;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bytes no HTTP client would send: each is a 4xx in the contract's shape and no ERROR line. */
class ClientMistakeTest extends GatewayTestBase {

  private static final String CHUNKED_HEAD = "Host: gateway\r\nTransfer-Encoding: chunked\r\n";

  /**
   * After a framing error Vert.x closes the connection at once, usually before any answer can be written:
   * what must hold is that no 5xx is answered and no ERROR (with its stack trace) is logged.
   */
  @Test
  @DisplayName("An invalid chunk size on the merchant API: 400 malformed_request or a closed connection, never 500 and an ERROR")
  void invalidChunkSize(Vertx vertx, VertxTestContext ctx) {
    closedOrRefusedWithoutErrors(vertx, ctx, "POST /v1/bills HTTP/1.1\r\n" + CHUNKED_HEAD
        + "Authorization: Bearer " + TestSecrets.MERCHANT_TOKEN + "\r\nContent-Type: application/json\r\n\r\n"
        + "zz\r\n{}\r\n0\r\n\r\n", answer -> assertMalformed(answer, 400, "malformed_request"));
  }

  @Test
  @DisplayName("An invalid chunk size on the notification endpoint: QIWI's own refusal (result 5) or a closed connection, no ERROR")
  void invalidChunkSizeOnNotification(Vertx vertx, VertxTestContext ctx) {
    String path = gateway.running().services().config().qiwi().notifyPath();
    closedOrRefusedWithoutErrors(vertx, ctx, "POST " + path + " HTTP/1.1\r\n" + CHUNKED_HEAD
        + "Content-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\nbill_id=1\r\n0\r\n\r\n", answer -> {
          assertThat(answer.status()).isEqualTo(400);
          assertThat(answer.headers().get("content-type")).startsWith("application/json");
          assertThat(new JsonObject(answer.body()).getInteger("error")).isEqualTo(5);
        });
  }

  @Test
  @DisplayName("An invalid percent-escape in the path is 400 problem+json, not plain text and an ERROR")
  void invalidPercentEscape(Vertx vertx, VertxTestContext ctx) {
    exchangeWithoutErrors(vertx, ctx, "GET /v1/bills/%zz HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
        + TestSecrets.MERCHANT_TOKEN + "\r\n\r\n", answer -> assertMalformed(answer, 400, "malformed_request"));
  }

  @Test
  @DisplayName("A request line with HTTP/2.0 is 400 malformed_request problem+json and one WARN, not an empty 501")
  void unsupportedHttpVersion(Vertx vertx, VertxTestContext ctx) {
    int port = gateway.running().httpPort();
    RootLogCapture log = new RootLogCapture();
    vertx.executeBlocking(() -> RawHttp.exchange(port, "GET /v1/bills/b-1 HTTP/2.0\r\nHost: gateway\r\n"
            + "Authorization: Bearer " + TestSecrets.MERCHANT_TOKEN + "\r\n\r\n"))
        .compose(answer -> vertx.timer(200).map(answer))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          log.close();
          assertMalformed(answer, 400, "malformed_request");
          assertThat(log.errors()).as("ERROR lines").isEmpty();
          assertThat(log.warnings()).as("WARN lines").isNotEmpty().allMatch(event -> event.getThrowableProxy() == null);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("Headers over 8 KiB are 431 problem+json, not an empty answer")
  void headersTooLarge(Vertx vertx, VertxTestContext ctx) {
    exchangeWithoutErrors(vertx, ctx, "GET /v1/bills/b-1 HTTP/1.1\r\nHost: gateway\r\nX-Padding: "
        + "x".repeat(9_000) + "\r\n\r\n", answer -> assertMalformed(answer, 431, "headers_too_large"));
  }

  @Test
  @DisplayName("A request line over 4 KiB is 414 problem+json")
  void requestLineTooLong(Vertx vertx, VertxTestContext ctx) {
    exchangeWithoutErrors(vertx, ctx, "GET /v1/bills/" + "b".repeat(5_000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n",
        answer -> assertMalformed(answer, 414, "uri_too_long"));
  }

  private interface Check {
    void verify(RawHttp.Answer answer);
  }

  private void exchangeWithoutErrors(Vertx vertx, VertxTestContext ctx, String request, Check check) {
    int port = gateway.running().httpPort();
    RootLogCapture log = new RootLogCapture();
    vertx.executeBlocking(() -> RawHttp.exchange(port, request))
        // The access line and any error are written as the answer ends; give them a moment to arrive.
        .compose(answer -> vertx.timer(200).map(answer))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          log.close();
          check.verify(answer);
          assertThat(log.errors()).as("ERROR lines").isEmpty();
          ctx.completeNow();
        })));
  }

  private void closedOrRefusedWithoutErrors(Vertx vertx, VertxTestContext ctx, String request, Check check) {
    int port = gateway.running().httpPort();
    RootLogCapture log = new RootLogCapture();
    vertx.executeBlocking(() -> RawHttp.exchangeOrClosed(port, request))
        .compose(answer -> vertx.timer(200).map(answer))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          log.close();
          answer.ifPresent(check::verify);
          assertThat(log.errors()).as("ERROR lines").isEmpty();
          assertThat(log.warnings()).as("WARN lines").isNotEmpty().allMatch(event -> event.getThrowableProxy() == null);
          ctx.completeNow();
        })));
  }

  private static void assertMalformed(RawHttp.Answer answer, int status, String code) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
    assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo(code);
  }
}
