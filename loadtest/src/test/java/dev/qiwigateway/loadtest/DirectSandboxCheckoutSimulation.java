package dev.qiwigateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.onCase;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Baseline of the checkout mix: the same checkouts, with the same feeder, shares and load shape, sent
 * straight to the QIWI sandbox's rest-v3 API, the calls the gateway itself makes for them (issue PUT,
 * its retry, status GET twice, cancel PATCH, pay through the admin API, status GET, refund PUT). What
 * the gateway adds on top of this (authentication, idempotency records, the database, events,
 * resilience) is the ratio the report shows.
 *
 * <p>System properties: {@code checkout.sandboxUrl} (http://127.0.0.1:8090), {@code qiwi.*} credentials
 * (the dev vector by default), {@code checkout.rate}, {@code .rampSeconds}, {@code .steadySeconds}, shares
 * as in {@link CheckoutFeeder}, {@code results.dir}.
 */
public class DirectSandboxCheckoutSimulation extends Simulation {

  private static final String BILL = "/api/v3/prv/bills/#{billId}";
  private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";

  private final LoadShape shape = LoadShape.fromSystemProperties("checkout", 10, 15, 60);
  private final QiwiShop shop = QiwiShop.fromSystemProperties();
  private final RequestLog log = new RequestLog();
  private final Steps steps = new Steps(log);

  private final HttpProtocolBuilder protocol = http
      .baseUrl(System.getProperty("checkout.sandboxUrl", "http://127.0.0.1:8090"))
      .shareConnections()
      .disableWarmUp()
      .disableCaching()
      .authorizationHeader("Bearer " + shop.secretKey)
      .acceptHeader("text/json");

  private final ChainBuilder issue = steps.step("issue", http -> http.put(BILL).header("Content-Type", FORM)
          .body(StringBody(session -> form(session.getString("customer"), session.getString("amount"),
              session.getString("comment"), session.getString("lifetime")))),
      status().is(200), jsonPath("$.response.result_code").ofInt().is(0));

  private final ChainBuilder issueRetry = steps.step("issue retry", http -> http.put(BILL).header("Content-Type", FORM)
          .body(StringBody(session -> form(session.getString("customer"), session.getString("amount"),
              session.getString("comment"), session.getString("lifetime")))),
      status().is(200), jsonPath("$.response.result_code").ofInt().is(0));

  private final ChainBuilder read = steps.step("get", http -> http.get(BILL),
      status().is(200), jsonPath("$.response.result_code").ofInt().is(0));

  private final ChainBuilder refresh = steps.step("refresh", http -> http.get(BILL),
      status().is(200), jsonPath("$.response.result_code").ofInt().is(0));

  private final ChainBuilder cancel = steps.step("cancel", http -> http.patch(BILL).header("Content-Type", FORM)
          .body(StringBody("status=rejected")),
      status().is(200), jsonPath("$.response.bill.status").is("rejected"));

  private final ChainBuilder pay = steps.step("pay at QIWI", http -> http.post("/sandbox/bills/#{billId}/pay"),
      status().is(200));

  private final ChainBuilder awaitPaid = steps.step("await paid", http -> http.get(BILL),
      status().is(200), jsonPath("$.response.bill.status").is("paid"));

  private final ChainBuilder refund = steps.step("refund", http -> http.put(BILL + "/refund/#{refundId}")
          .header("Content-Type", FORM).body(StringBody("amount=#{refundAmount}")),
      status().is(200), jsonPath("$.response.result_code").ofInt().is(0));

  private final ScenarioBuilder checkout = scenario("checkout straight at the sandbox")
      .feed(new CheckoutFeeder(shape))
      .exec(issue)
      .doIf("#{retry}").then(issueRetry)
      .exec(read, refresh)
      .doSwitch("#{outcome}").on(
          onCase("cancel").then(cancel),
          onCase("pay").then(exec(pay, awaitPaid, refund)));

  {
    setUp(checkout.injectOpen(shape.injection())).protocols(protocol);
  }

  private static String form(String customer, String amount, String comment, String lifetime) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("user", customer);
    fields.put("amount", amount);
    fields.put("ccy", "RUB");
    fields.put("comment", comment);
    fields.put("lifetime", lifetime);
    fields.put("prv_name", "Marketplace");
    return QiwiShop.form(fields);
  }

  @Override
  public void before() {
    System.out.println("checkout straight at the sandbox: " + shape.rate + " checkouts/s, ramp " + shape.rampSeconds
        + " s, steady " + shape.steadySeconds + " s");
  }

  @Override
  public void after() {
    log.write();
  }
}
