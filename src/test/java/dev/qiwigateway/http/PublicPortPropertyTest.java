package dev.qiwigateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.QiwiNotifications;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The public port's properties over real HTTP (issue 12): a running gateway (dev profile, in-process sandbox,
 * embedded PostgreSQL) is sent generated requests on one keep-alive connection. The in-process properties
 * ({@code NotificationIngestProperties}, {@code NewBillReaderPropertyTest}) cover the readers; these cover
 * what wraps them: routing, body reading, authentication order, the answer written, and the database.
 *
 * <p>jqwik runs a property's tries one after another on a thread of its own, never an event loop, so each try
 * blocks until its answer has arrived: one request in flight, on a connection kept alive across tries.
 */
class PublicPortPropertyTest {

  static final int TRIES = 10_000;
  private static final String NOTIFY_PATH = "/qiwi/notifications";
  private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
  /** Bills the gateway has issued, so a forged notification names a bill it would move if it were believed. */
  private static final List<String> ISSUED = List.of("prop-a", "prop-b", "prop-c");
  /** Headers that frame the request or the connection: generating them tests the client, not the gateway. */
  private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "host", "connection",
      "expect", "upgrade", "keep-alive", "te", "trailer", "proxy-connection", "content-type", "authorization",
      "idempotency-key", "x-api-signature");
  /** A request left unanswered (an exception escaping a handler did that) fails its try, not the whole run. */
  private static final long ANSWER_WITHIN_MS = 10_000;
  private static final AtomicInteger SENT = new AtomicInteger();

  private static GatewayHarness.TestGateway gateway;
  private static Vertx clientVertx;
  private static HttpClient client;
  private static int port;
  private static long startedNanos;

  private Map<String, Long> rowsBefore;
  /** Bills this property's tries got 201 for; jqwik makes one instance per property. */
  private int issued;

  record Answer(int status, String contentType, String body) {
  }

  @BeforeContainer
  static void startGateway() throws Exception {
    startedNanos = System.nanoTime();
    JsonObject settings = GatewayHarness.settings(PublicPortPropertyTest.class.getSimpleName())
        // Valid bills reach the sandbox; the per-replica QIWI rate limit is not what these properties are about.
        .put("QIWI_CALLS_PER_SECOND", "10000");
    gateway = await(GatewayHarness.start(settings));
    port = gateway.running().httpPort();
    clientVertx = Vertx.vertx();
    client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(1));
    for (String billId : ISSUED) {
      Answer issued = send(billRequest("issue-" + billId, MultiMap.caseInsensitiveMultiMap()),
          Buffer.buffer(validBill(billId, "10.00")));
      assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    }
  }

  @AfterContainer
  static void stopGateway() throws Exception {
    try {
      if (client != null) {
        await(client.close().eventually(clientVertx::close));
      }
      if (gateway != null) {
        await(gateway.close());
      }
    } finally {
      System.out.printf("PublicPortPropertyTest: %d requests sent in %.1f s%n", SENT.get(),
          (System.nanoTime() - startedNanos) / 1e9);
    }
  }

  @BeforeProperty
  void countRows() {
    rowsBefore = rows();
  }

  // ---- POST /qiwi/notifications, rest-v3 dialect ----

  @Property(tries = TRIES)
  void anyUnsignedNotificationIsRefusedWithTheProtocolsAnswer(@ForAll("notificationBodies") byte[] body,
      @ForAll("contentTypes") String contentType, @ForAll("headers") Map<String, String> headers,
      @ForAll("signatures") String signature) {
    MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    if (contentType != null) {
      sent.add("Content-Type", contentType);
    }
    if (signature != null) {
      sent.add("X-Api-Signature", signature);
    }
    Answer answer = send(notification(sent), Buffer.buffer(body));
    Statistics.collect(answer.status());
    assertRefusedByTheProtocol(answer);
  }

  @Property(tries = TRIES)
  void aForgedNotificationAboutAnIssuedBillIsRefused(@ForAll("forgeries") Tuple.Tuple2<String, String> forged,
      @ForAll("headers") Map<String, String> headers) {
    MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(headers).add("Content-Type", FORM)
        .add("X-Api-Signature", forged.get2());
    Answer answer = send(notification(sent), Buffer.buffer(forged.get1()));
    assertRefusedByTheProtocol(answer);
    assertThat(answer.status()).as(answer.body()).isEqualTo(401);
  }

  /**
   * After each property: nothing unsigned left a row anywhere, and a bill body left rows only when it was
   * answered 201 (one bill and its {@code waiting} event).
   */
  @AfterProperty
  void onlyIssuedBillsChangedState() {
    Map<String, Long> expected = new LinkedHashMap<>(rowsBefore);
    expected.merge("bill", (long) issued, Long::sum);
    expected.merge("event", (long) issued, Long::sum);
    assertThat(rows()).isEqualTo(expected);
  }

  private static void assertRefusedByTheProtocol(Answer answer) {
    assertThat(answer.status()).as(answer.body()).isIn(400, 401);
    assertThat(answer.contentType()).as(answer.body()).startsWith("application/json");
    int code = new JsonObject(answer.body()).getInteger("error");
    assertThat(code).isEqualTo(answer.status() == 400 ? 5 : 151);
  }

  // ---- POST /v1/bills with a valid token ----

  @Property(tries = TRIES)
  void anyBillBodyIsAProblemOrAnIssuedBill(@ForAll("billBodies") byte[] body,
      @ForAll("billContentTypes") String contentType, @ForAll("headers") Map<String, String> headers) {
    MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    if (contentType != null) {
      sent.add("Content-Type", contentType);
    }
    Answer answer = send(billRequest(UUID.randomUUID().toString(), sent), Buffer.buffer(body));
    Statistics.collect(answer.status());
    if (answer.status() < 300) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(201);
      issued++;
      assertThat(answer.contentType()).startsWith("application/json");
      assertThat(new JsonObject(answer.body()).getString("status")).isEqualTo("waiting");
    } else {
      assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
      assertThat(answer.contentType()).as(answer.body()).startsWith("application/problem+json");
      JsonObject problem = new JsonObject(answer.body());
      assertThat(problem.getInteger("status")).isEqualTo(answer.status());
      assertThat(problem.getString("code")).isNotBlank();
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<byte[]> notificationBodies() {
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<String> name = Arbitraries.of("prv_id", "bill_id", "status", "error", "amount", "currency", "phone",
        "email", "user_id", "comment", "version", "command", "%0d%0a", "", "=", "%zz", "a+b", "x".repeat(40));
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.of("", TestSecrets.PRV_ID, "prop-a", "paid", "rejected", "0", "10.00", "RUB", "%", "%e2%82",
            "1e400", "-1", "tel:+79161234567", "%00", "\u00ff"),
        Arbitraries.strings().all().ofMaxLength(20).map(s -> java.net.URLEncoder.encode(s, StandardCharsets.UTF_8)));
    Arbitrary<byte[]> forms = Combinators.combine(name, value, Arbitraries.of("=", "", "=="))
        .as((n, v, eq) -> n + eq + v).list().ofMaxSize(16)
        .map(fields -> String.join("&", fields).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(Tuple.of(1, noise), Tuple.of(3, forms), Tuple.of(2, unsignedValidForms()));
  }

  /** What QIWI would send about an issued bill, but without a credential. */
  private static Arbitrary<byte[]> unsignedValidForms() {
    return Combinators.combine(Arbitraries.of(ISSUED), Arbitraries.of("paid", "rejected", "expired", "waiting"))
        .as((bill, status) -> dev.qiwigateway.qiwi.FormCodec.encode(QiwiNotifications.restV3(bill, status, "10.00"))
            .getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(FORM, FORM, FORM, "application/x-www-form-urlencoded", "application/json", "text/plain",
        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=koi8-r", "", ";", null);
  }

  @Provide
  Arbitrary<String> signatures() {
    Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    Arbitrary<String> junk = Arbitraries.strings().ascii().ofMaxLength(80).filter(PublicPortPropertyTest::headerSafe);
    return Arbitraries.oneOf(hex, junk, Arbitraries.of("", "sha256=")).injectNull(0.3);
  }

  /**
   * Well-formed notifications about issued bills whose signature does not fit: signed with another key, signed
   * before a field was altered, or a signature of other fields.
   */
  @Provide
  Arbitrary<Tuple.Tuple2<String, String>> forgeries() {
    Arbitrary<Map<String, String>> fields = Combinators.combine(Arbitraries.of(ISSUED),
            Arbitraries.of("paid", "rejected", "expired"),
            Arbitraries.longs().between(1, 100_000).map(cents -> java.math.BigDecimal.valueOf(cents, 2).toPlainString()))
        .as(QiwiNotifications::restV3);
    Arbitrary<String> wrongKey = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40);
    Arbitrary<Tuple.Tuple2<String, String>> otherKey = Combinators.combine(fields, wrongKey)
        .as((f, key) -> Tuple.of(dev.qiwigateway.qiwi.FormCodec.encode(f),
            dev.qiwigateway.testing.QiwiNotifications.restV3Signature(key, f)));
    Arbitrary<Tuple.Tuple2<String, String>> altered = Combinators.combine(fields, Arbitraries.of("status", "amount",
            "bill_id", "prv_id", "currency", "error"), Arbitraries.of("paid", "99999.00", "prop-b", "1", "USD", "0x"))
        .as((f, field, value) -> {
          String signature = QiwiNotifications.restV3Signature(f);
          Map<String, String> changed = new LinkedHashMap<>(f);
          changed.put(field, changed.get(field) + (value.equals(changed.get(field)) ? "0" : "") + value);
          return Tuple.of(dev.qiwigateway.qiwi.FormCodec.encode(changed), signature);
        });
    return Arbitraries.oneOf(otherKey, altered);
  }

  @Provide
  Arbitrary<Map<String, String>> headers() {
    Arbitrary<String> name = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~")
            .ofMinLength(1).ofMaxLength(20),
        Arbitraries.of("X-Request-Id", "Accept", "Accept-Charset", "Content-Encoding", "X-Forwarded-For", "Cookie",
            "Accept-Encoding", "Range", "If-None-Match", "Origin"))
        .filter(n -> !FRAMING.contains(n.toLowerCase()));
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.strings().ascii().ofMaxLength(60),
        Arbitraries.of("\"", "a\"b", "gzip", "*/*", "text/xml", "1.2.3.4", "bytes=0-1", "%0d%0a", "\u00e9\u00ff"))
        .filter(PublicPortPropertyTest::headerSafe);
    return Arbitraries.maps(name, value).ofMaxSize(5);
  }

  @Provide
  Arbitrary<byte[]> billBodies() {
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<String> member = Combinators.combine(
        Arbitraries.of("billId", "amount", "currency", "customer", "comment", "expiresAt", "paySource", "providerName",
            "successUrl", "failUrl", "extra", "\\udc00", ""),
        Arbitraries.oneOf(
            Arbitraries.of("0", "-1", "1.50", "1e400", "12345678901234567890", "-0.0", "1E-7", "true", "null", "[]",
                "{}", "\"\"", "\"10.00\"", "\"RUB\"", "\"tel:+79161234567\"", "\"c\"", "\"qw\"", "\"..\"",
                "\"\\ud800\"", "\"https://a.example/\"", "\"2026-12-02T00:00:00Z\""),
            Arbitraries.strings().all().ofMaxLength(12).map(s -> JsonObject.of("v", s).encode()
                .substring(5, JsonObject.of("v", s).encode().length() - 1))))
        .as((n, v) -> "\"" + n + "\":" + v);
    Arbitrary<byte[]> soup = member.list().ofMaxSize(12)
        .map(members -> ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> damaged = Combinators.combine(validBills(), Arbitraries.integers().greaterOrEqual(0),
            Arbitraries.bytes(), Arbitraries.of(true, false))
        .as((bill, at, value, cut) -> {
          byte[] body = bill.getBytes(StandardCharsets.UTF_8);
          if (cut) {
            return java.util.Arrays.copyOf(body, at % body.length);
          }
          body[at % body.length] = value;
          return body;
        });
    Arbitrary<byte[]> valid = validBills().map(bill -> bill.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(Tuple.of(2, noise), Tuple.of(4, soup), Tuple.of(3, damaged), Tuple.of(1, valid));
  }

  private static Arbitrary<String> validBills() {
    return Combinators.combine(Arbitraries.longs().between(100, 99_999), Arbitraries.integers().between(0, 3))
        .as((cents, shape) -> validBill(shape == 0 ? null : "p-" + UUID.randomUUID().toString().substring(0, 20),
            java.math.BigDecimal.valueOf(cents, 2).toPlainString()));
  }

  private static String validBill(String billId, String amount) {
    JsonObject bill = new JsonObject().put("amount", amount).put("currency", "RUB")
        .put("customer", "tel:+79161234567").put("comment", "Order " + (billId == null ? "auto" : billId));
    return (billId == null ? bill : bill.put("billId", billId)).encode();
  }

  @Provide
  Arbitrary<String> billContentTypes() {
    // Mostly JSON, so that most bodies get as far as the reader.
    return Arbitraries.frequencyOf(Tuple.of(14, Arbitraries.of("application/json", "application/json; charset=utf-8",
        "Application/JSON")), Tuple.of(1, Arbitraries.of("application/json; charset=utf-16", "text/plain",
        "application/x-www-form-urlencoded", "", ";", "application/json;;")));
  }

  private static boolean headerSafe(String value) {
    return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff));
  }

  // ---- sending ----

  private static RequestOptions notification(MultiMap headers) {
    return new RequestOptions().setMethod(HttpMethod.POST).setURI(NOTIFY_PATH).setHeaders(headers)
        .setIdleTimeout(ANSWER_WITHIN_MS);
  }

  private static RequestOptions billRequest(String idempotencyKey, MultiMap headers) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap().addAll(headers)
        .add("Authorization", "Bearer " + TestSecrets.MERCHANT_TOKEN).add("Idempotency-Key", idempotencyKey);
    if (!all.contains("Content-Type")) {
      all.add("Content-Type", "application/json");
    }
    return new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/bills").setHeaders(all)
        .setIdleTimeout(ANSWER_WITHIN_MS);
  }

  /** Blocks the jqwik thread, never an event loop, until the whole answer has arrived. */
  private static Answer send(RequestOptions request, Buffer body) {
    SENT.incrementAndGet();
    return await(client.request(request).compose(sending -> sending.send(body)
        .compose(response -> response.body().map(read -> new Answer(response.statusCode(),
            String.valueOf(response.getHeader("Content-Type")), read.toString(StandardCharsets.UTF_8))))));
  }

  private static Map<String, Long> rows() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : List.of("notification_inbox", "bill", "event")) {
      Row row = await(gateway.running().services().pool().query("SELECT count(*) FROM " + table).execute())
          .iterator().next();
      counts.put(table, row.getLong(0));
    }
    return counts;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException failed) {
      throw new AssertionError("request failed: " + failed.getCause(), failed.getCause());
    } catch (Exception interrupted) {
      throw new AssertionError(interrupted);
    }
  }
}
