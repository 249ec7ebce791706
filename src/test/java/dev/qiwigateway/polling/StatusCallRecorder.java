package dev.qiwigateway.polling;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass-through in front of the sandbox that watches bill status requests (rest-v3 GET of a bill):
 * how many reached QIWI per bill, and which bills ever had two in flight at once, whoever sent them.
 */
final class StatusCallRecorder {

  private static final Pattern BILL_STATUS = Pattern.compile("/api/v3/prv/bills/([A-Za-z0-9._-]+)");

  private final WebClient upstream;
  private final int upstreamPort;
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final Set<String> overlapped = ConcurrentHashMap.newKeySet();
  private HttpServer server;

  private StatusCallRecorder(Vertx vertx, int upstreamPort) {
    this.upstream = WebClient.create(vertx);
    this.upstreamPort = upstreamPort;
  }

  static Future<StatusCallRecorder> start(Vertx vertx, int upstreamPort) {
    StatusCallRecorder recorder = new StatusCallRecorder(vertx, upstreamPort);
    return vertx.createHttpServer().requestHandler(recorder::forward).listen(0, "127.0.0.1")
        .map(listening -> {
          recorder.server = listening;
          return recorder;
        });
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  Map<String, Integer> calls() {
    return Map.copyOf(calls);
  }

  Set<String> overlapped() {
    return Set.copyOf(overlapped);
  }

  Future<Void> close() {
    return server.close();
  }

  private void forward(HttpServerRequest request) {
    String billId = billStatusOf(request);
    if (billId != null) {
      calls.merge(billId, 1, Integer::sum);
      if (inFlight.merge(billId, 1, Integer::sum) > 1) {
        overlapped.add(billId);
      }
    }
    request.body()
        .compose(body -> upstream.request(request.method(), upstreamPort, "127.0.0.1", request.uri())
            .putHeaders(request.headers().copy().remove("Host"))
            .sendBuffer(body))
        .onComplete(answered -> {
          // Counted out before answering: the sender's next request cannot start before it hears this one.
          if (billId != null) {
            inFlight.merge(billId, -1, Integer::sum);
          }
          if (answered.failed()) {
            request.connection().close();
            return;
          }
          HttpResponse<Buffer> response = answered.result();
          request.response().setStatusCode(response.statusCode()).headers().addAll(response.headers());
          request.response().end(response.body() == null ? Buffer.buffer() : response.body());
        });
  }

  private static String billStatusOf(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      return null;
    }
    Matcher matcher = BILL_STATUS.matcher(request.path());
    return matcher.matches() ? matcher.group(1) : null;
  }
}
