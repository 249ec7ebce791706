package dev.qiwigateway.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

@ExtendWith(VertxExtension.class)
class RequestLogHandlerTest {

  private LogCapture accessLog;
  private WebClient client;
  private int port;

  @BeforeEach
  void startCheckoutApi(Vertx vertx, VertxTestContext testContext) {
    accessLog = LogCapture.of(RequestLogHandler.class);
    client = WebClient.create(vertx);
    Router router = Router.router(vertx);
    router.route().handler(new RequestLogHandler());
    router.route("/v1/private/*").handler(ctx -> ctx.response().setStatusCode(401).end());
    router.get("/v1/bills/:billId").handler(ctx -> ctx.end(RequestLogHandler.requestId(ctx)));
    router.get("/v1/broken").handler(ctx -> {
      throw new IllegalStateException("handler bug");
    });
    router.post("/v1/bills/:billId/refunds")
        .handler(ctx -> ctx.vertx().setTimer(1, later -> ctx.fail(409)))
        .failureHandler(ctx -> ctx.response().setStatusCode(ctx.statusCode()).end());
    router.get("/v1/old-bills/:billId").handler(ctx -> ctx.reroute("/v1/bills/" + ctx.pathParam("billId")));
    vertx.createHttpServer().requestHandler(router).listen(0)
        .onComplete(testContext.succeeding(server -> {
          port = server.actualPort();
          testContext.completeNow();
        }));
  }

  @AfterEach
  void detachCapture() {
    accessLog.close();
  }

  @Test
  @DisplayName("A checkout's own request id is echoed, visible to handlers, and logged with the route template only")
  void echoesSaneRequestId(Vertx vertx, VertxTestContext testContext) {
    get("/v1/bills/order-1842?token=hunter2").putHeader(RequestLogHandler.HEADER, "checkout-42:try#1").send()
        .compose(response -> {
          testContext.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.getHeader(RequestLogHandler.HEADER)).isEqualTo("checkout-42:try#1");
            assertThat(response.bodyAsString()).isEqualTo("checkout-42:try#1");
          });
          return accessLog.awaitEvents(vertx, 1);
        })
        .onComplete(testContext.succeeding(events -> testContext.verify(() -> {
          assertThat(events).hasSize(1);
          ILoggingEvent line = events.get(0);
          Map<String, Object> fields = LogCapture.keyValues(line);
          assertThat(line.getLevel()).isEqualTo(Level.INFO);
          assertThat(fields).containsEntry("requestId", "checkout-42:try#1")
              .containsEntry("method", "GET")
              .containsEntry("route", "/v1/bills/:billId")
              .containsEntry("status", 200)
              .containsKey("durationMs");
          assertThat((Double) fields.get("durationMs")).isGreaterThanOrEqualTo(0.0);
          assertThat(line.getFormattedMessage() + fields).doesNotContain("order-1842").doesNotContain("hunter2");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A request without an id gets a fresh UUID, different for each request")
  void generatesIdWhenAbsent(Vertx vertx, VertxTestContext testContext) {
    get("/v1/bills/b-1").send()
        .compose(first -> get("/v1/bills/b-2").send().map(second -> List.of(first, second)))
        .onComplete(testContext.succeeding(responses -> testContext.verify(() -> {
          List<String> ids = new ArrayList<>();
          for (HttpResponse<Buffer> response : responses) {
            String id = response.getHeader(RequestLogHandler.HEADER);
            assertThatCode(() -> UUID.fromString(id)).doesNotThrowAnyException();
            assertThat(response.bodyAsString()).isEqualTo(id);
            ids.add(id);
          }
          assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("An id with spaces, control characters or more than 128 characters is replaced, never echoed")
  void replacesInsaneIds(Vertx vertx, VertxTestContext testContext) {
    List<String> insane = List.of("two words", "tab\tinside", "x".repeat(129));
    Future<List<String>> answered = Future.succeededFuture(new ArrayList<>());
    for (String offered : insane) {
      answered = answered.compose(ids -> get("/v1/bills/b-1").putHeader(RequestLogHandler.HEADER, offered).send()
          .map(response -> {
            ids.add(response.getHeader(RequestLogHandler.HEADER));
            return ids;
          }));
    }
    answered.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
      assertThat(ids).hasSize(insane.size()).doesNotContainAnyElementsOf(insane);
      ids.forEach(id -> assertThatCode(() -> UUID.fromString(id)).doesNotThrowAnyException());
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("Only 1 to 128 printable ASCII characters without spaces count as a sane request id")
  void sanityRule() {
    assertThat(RequestLogHandler.isSane("!")).isTrue();
    assertThat(RequestLogHandler.isSane("~".repeat(128))).isTrue();
    assertThat(RequestLogHandler.isSane("order-1842/attempt:2")).isTrue();
    assertThat(RequestLogHandler.isSane(null)).isFalse();
    assertThat(RequestLogHandler.isSane("")).isFalse();
    assertThat(RequestLogHandler.isSane("a".repeat(129))).isFalse();
    assertThat(RequestLogHandler.isSane("a b")).isFalse();
    assertThat(RequestLogHandler.isSane("a\u007fb")).isFalse();
    assertThat(RequestLogHandler.isSane("a\nb")).isFalse();
    assertThat(RequestLogHandler.isSane("счёт-1")).isFalse();
  }

  @Test
  @DisplayName("Every request, refused, unknown, failed or rerouted, leaves exactly one access line with its route and status")
  void oneLinePerRequest(Vertx vertx, VertxTestContext testContext) {
    List<HttpRequest<Buffer>> requests = List.of(
        get("/v1/private/refunds?amount=1"),
        get("/no/such/page"),
        get("/v1/broken"),
        client.post(port, "localhost", "/v1/bills/b-3/refunds"),
        get("/v1/old-bills/b-9"));
    Future<Void> sent = Future.succeededFuture();
    for (HttpRequest<Buffer> request : requests) {
      sent = sent.compose(ignored -> request.send().mapEmpty());
    }
    sent
        .compose(ignored -> accessLog.awaitEvents(vertx, requests.size()))
        // A sentinel request: any duplicate line of the earlier requests would precede its line.
        .compose(ignored -> get("/v1/bills/sentinel").send())
        .compose(ignored -> accessLog.awaitEvents(vertx, requests.size() + 1))
        .onComplete(testContext.succeeding(events -> testContext.verify(() -> {
          assertThat(events).hasSize(requests.size() + 1);
          assertThat(LogCapture.each(events, event -> LogCapture.keyValues(event).get("route"))).containsExactly(
              "/v1/private/*", RequestLogHandler.UNMATCHED, RequestLogHandler.UNKNOWN_ROUTE,
              "/v1/bills/:billId/refunds", "/v1/bills/:billId", "/v1/bills/:billId");
          assertThat(LogCapture.each(events, event -> LogCapture.keyValues(event).get("status")))
              .containsExactly(401, 404, 500, 409, 200, 200);
          assertThat(LogCapture.each(events, event -> LogCapture.keyValues(event).get("method")))
              .containsExactly("GET", "GET", "GET", "POST", "GET", "GET");
          assertThat(LogCapture.each(events, ILoggingEvent::getFormattedMessage))
              .allMatch("request completed"::equals);
          assertThat(events.toString()).doesNotContain("amount=1").doesNotContain("b-9").doesNotContain("b-3");
          testContext.completeNow();
        })));
  }

  private HttpRequest<Buffer> get(String path) {
    return client.get(port, "localhost", path);
  }
}
