package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiCallGuard;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiClientSettings;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.TestSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A QIWI written for the resilience tests, independent of the gateway's sandbox: it answers every bill
 * request (issue or status) with a waiting bill of the id asked for, unless the script says otherwise
 * for that bill id and the how-manieth request about it this is. So a test decides exactly which calls
 * meet a transient failure, an outage or an answer that is not QIWI's format.
 */
final class ScriptedQiwi {

  /** What the fake does with one request. */
  enum Answer { BILL, HTTP_503, DROP, SLOW, TOO_SLOW, HTML_404 }

  /** Decides the answer from the bill id and how many requests about that id came before (0 for the first). */
  interface Script {
    Answer answer(String billId, int earlierRequests);
  }

  /** Slower than the slow-call threshold of {@link #CLIENT_TIMEOUT_MS}, yet inside it. */
  private static final long SLOW_MS = 450;
  static final long CLIENT_TIMEOUT_MS = 500;

  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, AtomicInteger> requestsPerBill = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Script script = (billId, earlier) -> Answer.BILL;

  private ScriptedQiwi(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static Future<ScriptedQiwi> start(Vertx vertx) {
    ScriptedQiwi qiwi = new ScriptedQiwi(vertx);
    return qiwi.server.listen(0, "127.0.0.1").map(bound -> qiwi);
  }

  ScriptedQiwi follows(Script script) {
    this.script = script;
    return this;
  }

  /** Every request the same answer: {@code BILL} is a healthy QIWI, {@code HTTP_503} an outage. */
  ScriptedQiwi always(Answer answer) {
    return follows((billId, earlier) -> answer);
  }

  /** All requests that reached this QIWI, whatever their answer. */
  int requests() {
    return requests.get();
  }

  QiwiClient client(QiwiCallGuard guard, MeterRegistry registry) {
    return new QiwiClient(WebClient.create(vertx), new QiwiClientSettings("http://127.0.0.1:" + server.actualPort(),
        QiwiDialect.REST_V3, TestSecrets.credentials(), CLIENT_TIMEOUT_MS), guard, registry);
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    String path = request.path();
    String billId = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    int earlier = requestsPerBill.computeIfAbsent(billId, id -> new AtomicInteger()).getAndIncrement();
    Answer answer = script.answer(billId, earlier);
    request.body().onSuccess(body -> {
      switch (answer) {
        case BILL -> answerBill(request, billId);
        case HTTP_503 -> request.response().setStatusCode(503).end("Service Unavailable");
        case DROP -> request.connection().close();
        case SLOW -> vertx.setTimer(SLOW_MS, id -> answerBill(request, billId));
        case TOO_SLOW -> vertx.setTimer(CLIENT_TIMEOUT_MS * 3, id -> answerBill(request, billId));
        case HTML_404 -> request.response().setStatusCode(404).putHeader("Content-Type", "text/html")
            .end("<html><body><h1>404 Not Found</h1></body></html>");
      }
    });
  }

  private static void answerBill(HttpServerRequest request, String billId) {
    if (request.response().closed()) {
      return;
    }
    JsonObject bill = new JsonObject().put("bill_id", billId).put("amount", "100.00").put("ccy", "RUB")
        .put("status", "waiting").put("error", 0).put("user", "tel:+79161234567");
    request.response().putHeader("Content-Type", "text/json;charset=utf-8")
        .end(new JsonObject().put("response", new JsonObject().put("result_code", 0).put("bill", bill)).encode());
  }

  /** A script from a function of the bill id alone, for the first request about each bill; later ones succeed. */
  static Script firstRequest(Function<String, Answer> firstAnswer) {
    return (billId, earlier) -> earlier == 0 ? firstAnswer.apply(billId) : Answer.BILL;
  }
}
