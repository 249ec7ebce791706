package dev.qiwigateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.nio.file.Path;

/**
 * The notification storm (issue 4): QIWI floods {@code POST /qiwi/notifications} with signed rest-v3
 * notifications for pre-issued bills, a share of them repeats. Open model: arrivals do not wait for
 * answers, so a gateway that falls behind shows it in latency and errors, not in a politely lower
 * rate. Every answer must be QIWI's success, 200 {@code {"error":0}}.
 *
 * <p>System properties: {@code storm.baseUrl} (http://127.0.0.1:8080), {@code storm.path}
 * (/qiwi/notifications), {@code storm.rate} (notifications/s), {@code storm.rampSeconds},
 * {@code storm.steadySeconds}, {@code storm.duplicateShare} (0.2), {@code storm.bills} (the bills file),
 * {@code results.dir} (where {@link RequestLog} writes requests.tsv), {@code probe.metricsUrl} (scrape
 * the gateway's metrics into results.dir when the steady stage begins and ends).
 */
public class NotificationStormSimulation extends Simulation {

  private final LoadShape shape = LoadShape.fromSystemProperties("storm", 1000, 10, 30);
  private final NotificationFeeder feeder = new NotificationFeeder(
      Path.of(System.getProperty("storm.bills", "target/bills.csv")),
      QiwiShop.fromSystemProperties(),
      Double.parseDouble(System.getProperty("storm.duplicateShare", "0.2")),
      shape);
  private final MetricsProbe probe = new MetricsProbe();
  private final RequestLog log = new RequestLog();

  private final HttpProtocolBuilder protocol = http
      .baseUrl(System.getProperty("storm.baseUrl", "http://127.0.0.1:8080"))
      // QIWI keeps connections open between notifications; a new TCP connection per arrival would
      // measure the kernel's handshakes instead of the gateway.
      .shareConnections()
      .disableWarmUp()
      .disableCaching()
      .contentTypeHeader("application/x-www-form-urlencoded; charset=utf-8");

  private final ScenarioBuilder qiwi = scenario("QIWI notifications")
      .feed(feeder)
      .exec(http("notification #{stage}")
          .post(System.getProperty("storm.path", "/qiwi/notifications"))
          .header("X-Api-Signature", "#{signature}")
          .body(StringBody("#{body}"))
          .check(responseTimeInMillis().saveAs(RequestLog.TIME), status().is(200), bodyString().is("{\"error\":0}")))
      .exec(session -> log.record(session, "notification " + session.getString("stage")));

  {
    setUp(qiwi.injectOpen(shape.injection())).protocols(protocol);
  }

  @Override
  public void before() {
    probe.start(shape);
    System.out.println("storm: " + shape.rate + " notifications/s, ramp " + shape.rampSeconds + " s, steady "
        + shape.steadySeconds + " s, about " + shape.expectedUsers() + " notifications");
  }

  @Override
  public void after() {
    probe.stop();
    log.write();
    System.out.println("storm: " + feeder.summary());
  }
}
