package dev.qiwigateway.acceptance;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The network between the gateway and QIWI, passing everything through except that QIWI's answer to
 * issuing one chosen bill is held on its way back until the test releases it: QIWI has the bill (and may
 * see it paid) while the gateway still waits to hear that it was issued.
 */
final class SlowIssueAnswers {

  private final WebClient upstream;
  private final int upstreamPort;
  private final String heldBill;
  private final List<Runnable> held = new ArrayList<>();
  private boolean releasing;
  private HttpServer server;

  private SlowIssueAnswers(Vertx vertx, int upstreamPort, String heldBill) {
    this.upstream = WebClient.create(vertx);
    this.upstreamPort = upstreamPort;
    this.heldBill = heldBill;
  }

  static Future<SlowIssueAnswers> start(Vertx vertx, int upstreamPort, String heldBill) {
    SlowIssueAnswers link = new SlowIssueAnswers(vertx, upstreamPort, heldBill);
    return vertx.createHttpServer().requestHandler(link::forward).listen(0, "127.0.0.1").map(listening -> {
      link.server = listening;
      return link;
    });
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Lets the held answers (and every later one) through. */
  void release() {
    List<Runnable> answers;
    synchronized (this) {
      releasing = true;
      answers = List.copyOf(held);
      held.clear();
    }
    answers.forEach(Runnable::run);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void forward(HttpServerRequest request) {
    boolean hold = request.method() == HttpMethod.PUT && request.path().endsWith("/bills/" + heldBill);
    request.body()
        .compose(body -> upstream.request(request.method(), upstreamPort, "127.0.0.1", request.uri())
            .putHeaders(request.headers().copy().remove("Host"))
            .sendBuffer(body))
        .onComplete(answered -> {
          Runnable answer = () -> answer(request, answered.succeeded() ? answered.result() : null);
          synchronized (this) {
            if (hold && !releasing) {
              held.add(answer);
              return;
            }
          }
          answer.run();
        });
  }

  private static void answer(HttpServerRequest request, HttpResponse<Buffer> response) {
    if (response == null) {
      request.connection().close();
      return;
    }
    request.response().setStatusCode(response.statusCode()).headers().addAll(response.headers());
    request.response().end(response.body() == null ? Buffer.buffer() : response.body());
  }
}
