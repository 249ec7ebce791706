package dev.qiwigateway.qiwi;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.time.Instant;

/** The shop of the vectors in docs/qiwi.md#test-vectors and the documented answers, shared by the client tests. */
final class QiwiFixtures {

  static final String PRV_ID = "2042";
  static final String API_ID = "23244123";
  static final String API_SECRET = "453Fdgd443";
  static final String SECRET_KEY = "MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==";
  static final String BASIC = "Basic MjMyNDQxMjM6NDUzRmRnZDQ0Mw==";
  static final QiwiCredentials CREDENTIALS = QiwiCredentials.of(PRV_ID, API_ID, API_SECRET, "test");

  static final String BILL_ANSWER = """
      {"response":{"result_code":0,"bill":{"bill_id":"BILL-1","amount":"10.00","originAmount":"10.00",
       "ccy":"RUB","originCcy":"RUB","status":"waiting","error":0,"user":"tel:+79031234567","comment":"test"}}}""";
  static final String REFUND_ANSWER = """
      {"response":{"result_code":0,"refund":{"refund_id":"REF1","amount":"5.00","status":"processing","error":0,\
      "user":"tel:+79031234567"}}}""";
  static final String AUTH_FAILED_ANSWER = """
      {"response":{"result_code":150,"description":"Authorization failed"}}""";

  /** 2024-03-01T21:30:00Z is already 2 March in Moscow: the form must carry the Moscow date. */
  static final Instant LIFETIME = Instant.parse("2024-03-01T21:30:00Z");
  static final String LIFETIME_MOSCOW = "2024-03-02T00:30:00";

  private QiwiFixtures() {
  }

  static String billAnswer(String billId, String status) {
    return BILL_ANSWER.replace("BILL-1", billId).replace("\"waiting\"", "\"" + status + "\"");
  }

  static String resultCodeAnswer(int code) {
    return "{\"response\":{\"result_code\":" + code + ",\"description\":\"whatever QIWI says\"}}";
  }

  static BillIssue order1842(String billId) {
    return new BillIssue(billId, "tel:+79031234567", new BigDecimal("1499"), "RUB",
        "Заказ №1842: чай & кофе = 2 шт.", LIFETIME, "mobile", "Marketplace Ltd");
  }

  static QiwiClient client(Vertx vertx, FakeQiwi fake, QiwiDialect dialect, QiwiCallGuard guard,
      MeterRegistry registry, long timeoutMs) {
    QiwiClientSettings settings = new QiwiClientSettings(fake.baseUrl(), dialect, CREDENTIALS, timeoutMs);
    return new QiwiClient(WebClient.create(vertx), settings, guard, registry);
  }
}
