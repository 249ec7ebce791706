package dev.qiwigateway.qiwi;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A recording stand-in for QIWI on a real HTTP port: it keeps every request exactly as received and
 * answers with whatever the test told it to, or hangs, or drops the connection.
 */
final class FakeQiwi {

  /** A request as it arrived: method, path, headers and the raw body text. */
  record Received(String method, String path, MultiMap headers, String body) {

    String header(String name) {
      return headers.get(name);
    }

    Map<String, String> form() {
      return FormCodec.decode(body);
    }
  }

  private enum Mode { ANSWER, HANG, CLOSE }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private volatile Mode mode = Mode.ANSWER;
  private volatile int status = 200;
  private volatile String answer = "{}";
  private volatile String contentType = "text/json;charset=utf-8";

  private FakeQiwi(Vertx vertx) {
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static Future<FakeQiwi> start(Vertx vertx) {
    FakeQiwi fake = new FakeQiwi(vertx);
    return fake.server.listen(0, "127.0.0.1").map(bound -> fake);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  FakeQiwi answers(int httpStatus, String body) {
    this.mode = Mode.ANSWER;
    this.status = httpStatus;
    this.answer = body;
    return this;
  }

  FakeQiwi answersHtml(int httpStatus, String body) {
    answers(httpStatus, body);
    this.contentType = "text/html";
    return this;
  }

  FakeQiwi hangs() {
    this.mode = Mode.HANG;
    return this;
  }

  FakeQiwi dropsConnections() {
    this.mode = Mode.CLOSE;
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  Received onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one request at the fake QIWI, got " + received.size());
    }
    return received.get(0);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      received.add(new Received(request.method().name(), request.path(), headers,
          body.toString(StandardCharsets.UTF_8)));
      switch (mode) {
        case ANSWER -> request.response().setStatusCode(status).putHeader("Content-Type", contentType).end(answer);
        case CLOSE -> request.connection().close();
        case HANG -> { /* never answers: the client's timeout must end the call */ }
      }
    });
  }
}
