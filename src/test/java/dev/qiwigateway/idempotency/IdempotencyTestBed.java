package dev.qiwigateway.idempotency;

import dev.qiwigateway.idempotency.IdempotentOperation.IdempotencyRecord;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import dev.qiwigateway.config.DatabaseSettings;
import dev.qiwigateway.db.Database;
import dev.qiwigateway.db.Migrations;
import dev.qiwigateway.db.PostgresUrl;
import dev.qiwigateway.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A gateway-shaped bed for idempotency tests: its own Vert.x (blocking an event loop shows), a fresh
 * database, and "replicas" that each have their own pool, store and tiny merchant API on port 0, all
 * running the same counting {@link FakeBillOperations} through their own {@link OperationRunner}.
 */
final class IdempotencyTestBed {

  static final String MERCHANT = "shop-a";
  static final String MERCHANT_HEADER = "X-Test-Merchant";
  static final Duration LEASE = Duration.ofSeconds(30);

  final Vertx vertx;
  final String url;
  final FakeBillOperations bills;
  final WebClient client;
  private final List<Replica> replicas = new ArrayList<>();

  /** One gateway instance: what a replica owns; replicas share only the database. */
  record Replica(Pool pool, IdempotencyStore store, OperationRunner runner, HttpServer server) {
    int port() {
      return server.actualPort();
    }
  }

  private IdempotencyTestBed(Vertx vertx, String url) {
    this.vertx = vertx;
    this.url = url;
    this.bills = new FakeBillOperations(vertx);
    this.client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
  }

  static Future<IdempotencyTestBed> start(String purpose) {
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    IdempotencyTestBed bed = new IdempotencyTestBed(vertx, TestPostgres.newDatabase(purpose));
    return Migrations.migrate(vertx, new PostgresUrl(bed.url))
        .compose(migrated -> bed.startReplica())
        .compose(primary -> primary.pool().query(FakeBillOperations.TABLE).execute())
        .map(bed);
  }

  Future<Replica> startReplica() {
    return startReplica(newPool());
  }

  Future<Replica> startReplica(Pool pool) {
    IdempotencyStore store = new IdempotencyStore(pool, LEASE);
    OperationRunner runner = new OperationRunner(pool, store, List.of(bills));
    return vertx.createHttpServer().requestHandler(router(runner)).listen(0).map(server -> {
      Replica replica = new Replica(pool, store, runner, server);
      replicas.add(replica);
      return replica;
    });
  }

  Pool newPool() {
    return Database.pool(vertx, new DatabaseSettings(url, 4));
  }

  Replica primary() {
    return replicas.get(0);
  }

  Pool pool() {
    return primary().pool();
  }

  IdempotencyStore store() {
    return primary().store();
  }

  OperationRunner runner() {
    return primary().runner();
  }

  Future<Void> close() {
    return vertx.close();
  }

  private Router router(OperationRunner requests) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    router.post("/v1/bills").handler(ctx -> issueBill(ctx, requests));
    router.post("/v1/bills/:billId/refunds").handler(ctx -> refund(ctx, requests));
    router.route().failureHandler(Problem::handleFailure);
    return router;
  }

  private static void issueBill(RoutingContext ctx, OperationRunner requests) {
    IdempotencyKey key = IdempotencyKey.fromRequest(ctx, merchantOf(ctx));
    JsonObject body = ctx.body().asJsonObject();
    JsonObject request = new JsonObject().put("body", body);
    Reply.respond(ctx, requests.handle(ctx, key, Kind.ISSUE_BILL, body, request,
        "bill-" + UUID.randomUUID().toString().substring(0, 8), null));
  }

  private static void refund(RoutingContext ctx, OperationRunner requests) {
    IdempotencyKey key = IdempotencyKey.fromRequest(ctx, merchantOf(ctx));
    JsonObject body = ctx.body().asJsonObject();
    JsonObject request = new JsonObject().put("billId", ctx.pathParam("billId")).put("body", body);
    Reply.respond(ctx, requests.handle(ctx, key, Kind.ISSUE_BILL, body, request, UUID.randomUUID().toString().substring(0, 9), null));
  }

  private static String merchantOf(RoutingContext ctx) {
    String merchant = ctx.request().getHeader(MERCHANT_HEADER);
    return merchant == null ? MERCHANT : merchant;
  }

  // ---- the merchant's side

  Future<HttpResponse<Buffer>> post(String path, String key, String body) {
    return post(primary().port(), MERCHANT, path, key, body);
  }

  Future<HttpResponse<Buffer>> post(int port, String merchant, String path, String key, String body) {
    var request = client.post(port, "127.0.0.1", path)
        .putHeader("Content-Type", "application/json")
        .putHeader(MERCHANT_HEADER, merchant);
    if (key != null) {
      request.putHeader(IdempotencyKey.HEADER, key);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  /** A bill request whose Idempotency-Key header is sent once per given value (none: no header). */
  Future<HttpResponse<Buffer>> postWithKeyHeaders(List<String> keyHeaderValues, String body) {
    var request = client.post(primary().port(), "127.0.0.1", "/v1/bills").putHeader("Content-Type", "application/json");
    if (!keyHeaderValues.isEmpty()) {
      request.putHeader(IdempotencyKey.HEADER, keyHeaderValues);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  /**
   * A bill request written byte by byte, for header values an HTTP client would refuse or re-encode
   * (such as UTF-8 in Idempotency-Key). Answers the status line's code and the body.
   */
  Future<RawAnswer> postRaw(byte[] keyHeaderValue, String body) {
    byte[] json = body.getBytes(StandardCharsets.UTF_8);
    Buffer request = Buffer.buffer()
        .appendString("POST /v1/bills HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
        .appendString("Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n")
        .appendString(IdempotencyKey.HEADER + ": ").appendBytes(keyHeaderValue).appendString("\r\n\r\n")
        .appendBytes(json);
    Buffer received = Buffer.buffer();
    Promise<RawAnswer> answer = Promise.promise();
    vertx.createNetClient().connect(primary().port(), "127.0.0.1").onSuccess(socket -> {
      socket.handler(received::appendBuffer);
      socket.closeHandler(closed -> answer.tryComplete(RawAnswer.parse(received.toString(StandardCharsets.UTF_8))));
      socket.write(request);
    }).onFailure(answer::tryFail);
    return answer.future();
  }

  record RawAnswer(int status, JsonObject body) {
    static RawAnswer parse(String http) {
      int status = Integer.parseInt(http.substring(http.indexOf(' ') + 1, http.indexOf(' ') + 4));
      return new RawAnswer(status, new JsonObject(http.substring(http.indexOf("\r\n\r\n") + 4)));
    }
  }

  /**
   * A handler that claimed {@code key} for {@code body} and died: after its first phase had reserved the
   * fake bill ({@code reserved}), or before.
   */
  Future<IdempotencyRecord> killedHandler(String key, String body, String resourceId, boolean reserved) {
    Duration shortLease = Duration.ofMillis(200);
    IdempotencyStore dying = new IdempotencyStore(pool(), shortLease);
    JsonObject json = new JsonObject(body);
    return dying.claim(new IdempotencyKey(MERCHANT, key), IdempotencyKey.fingerprint("POST", "/v1/bills", json),
            Kind.ISSUE_BILL, new JsonObject().put("body", json), resourceId)
        .map(claim -> ((IdempotencyRecord.Claim.Acquired) claim).record())
        .compose(record -> reserved ? FakeBillOperations.reserve(pool(), record).map(record)
            : Future.succeededFuture(record))
        .compose(record -> vertx.timer(shortLease.toMillis() * 3).map(record));
  }
}
