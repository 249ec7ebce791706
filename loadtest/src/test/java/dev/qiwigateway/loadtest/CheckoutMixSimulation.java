package dev.qiwigateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.onCase;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * The marketplace's checkout through the gateway's merchant API (issue 5): issue a bill with an
 * Idempotency-Key (some checkouts retry the same key and must get the stored answer replayed), read
 * it, read it with {@code ?refresh=true} (a QIWI status call), then either cancel it, or have the buyer
 * pay at QIWI (the sandbox's admin API; QIWI's notification then reaches the gateway), wait until the
 * gateway shows it paid and refund half, or abandon it. Open model, ramp then steady.
 *
 * <p>Every QIWI call passes the gateway's account-wide rate limiter (50 calls/s by default,
 * ResilienceSettings): about 2.7 calls per checkout plus the poller's, so keep {@code checkout.rate}
 * below ~15 checkouts/s or the excess is answered 503 by design.
 *
 * <p>System properties: {@code checkout.baseUrl} (http://127.0.0.1:8080), {@code checkout.sandboxUrl}
 * (http://127.0.0.1:8090), {@code checkout.token} (the dev merchant token), {@code checkout.rate}
 * (checkouts/s), {@code .rampSeconds}, {@code .steadySeconds}, shares as in {@link CheckoutFeeder},
 * {@code results.dir}.
 */
public class CheckoutMixSimulation extends Simulation {

  private static final String ISSUE_BODY = "{\"amount\":\"#{amount}\",\"currency\":\"RUB\",\"customer\":\"#{customer}\","
      + "\"comment\":\"#{comment}\",\"providerName\":\"Marketplace\"}";

  private final LoadShape shape = LoadShape.fromSystemProperties("checkout", 10, 15, 60);
  private final String sandboxUrl = System.getProperty("checkout.sandboxUrl", "http://127.0.0.1:8090");
  private final RequestLog log = new RequestLog();
  private final Steps steps = new Steps(log);

  private final HttpProtocolBuilder protocol = http
      .baseUrl(System.getProperty("checkout.baseUrl", "http://127.0.0.1:8080"))
      .shareConnections()
      .disableWarmUp()
      .disableCaching()
      .authorizationHeader("Bearer " + System.getProperty("checkout.token", "dev-token-change-me"))
      .acceptHeader("application/json");

  private final ChainBuilder issue = steps.step("issue", http -> http.post("/v1/bills")
          .header("Idempotency-Key", "#{issueKey}").body(StringBody(ISSUE_BODY)).asJson(),
      status().is(201), jsonPath("$.status").is("waiting"), jsonPath("$.billId").saveAs("billId"));

  private final ChainBuilder issueRetry = steps.step("issue retry", http -> http.post("/v1/bills")
          .header("Idempotency-Key", "#{issueKey}").body(StringBody(ISSUE_BODY)).asJson(),
      status().is(201), header("Idempotent-Replayed").is("true"), jsonPath("$.billId").isEL("#{billId}"));

  private final ChainBuilder read = steps.step("get", http -> http.get("/v1/bills/#{billId}"),
      status().is(200), jsonPath("$.billId").isEL("#{billId}"));

  private final ChainBuilder refresh = steps.step("refresh", http -> http.get("/v1/bills/#{billId}?refresh=true"),
      status().is(200), jsonPath("$.stale").notExists());

  private final ChainBuilder cancel = steps.step("cancel", http -> http.post("/v1/bills/#{billId}/cancel")
          .header("Idempotency-Key", "#{cancelKey}"),
      status().is(200), jsonPath("$.status").is("rejected"));

  private final ChainBuilder pay = steps.step("pay at QIWI", http -> http.post(sandboxUrl + "/sandbox/bills/#{billId}/pay"),
      status().is(200));

  /** The notification decides when the gateway shows the payment: poll for it, up to about 5 s. */
  private final ChainBuilder awaitPaid = exec(session -> session.set("billStatus", "waiting").set("polls", 0))
      .asLongAs(session -> !"paid".equals(session.getString("billStatus")) && session.getInt("polls") < 50).on(
          pause(Duration.ofMillis(100)),
          steps.step("await paid", http -> http.get("/v1/bills/#{billId}"),
              status().is(200), jsonPath("$.status").saveAs("billStatus")),
          exec(session -> session.set("polls", session.getInt("polls") + 1)));

  private final ChainBuilder refund = doIf(session -> "paid".equals(session.getString("billStatus"))).then(
      steps.step("refund", http -> http.post("/v1/bills/#{billId}/refunds")
              .header("Idempotency-Key", "#{refundKey}")
              .body(StringBody("{\"refundId\":\"#{refundId}\",\"amount\":\"#{refundAmount}\"}")).asJson(),
          status().is(201), jsonPath("$.refundId").isEL("#{refundId}")));

  private final ScenarioBuilder checkout = scenario("checkout via the gateway")
      .feed(new CheckoutFeeder(shape))
      .exec(issue)
      .exitHereIf(session -> !session.contains("billId"))
      .doIf("#{retry}").then(issueRetry)
      .exec(read, refresh)
      .doSwitch("#{outcome}").on(
          onCase("cancel").then(cancel),
          onCase("pay").then(exec(pay, awaitPaid, refund)));

  {
    setUp(checkout.injectOpen(shape.injection())).protocols(protocol);
  }

  @Override
  public void before() {
    System.out.println("checkout via the gateway: " + shape.rate + " checkouts/s, ramp " + shape.rampSeconds
        + " s, steady " + shape.steadySeconds + " s");
  }

  @Override
  public void after() {
    log.write();
  }
}
