package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The sandbox validates issue-bill fields as strictly as QIWI: 341 when missing, 5 when malformed")
class SandboxIssueValidationTest extends SandboxTestBase {

  /** Values relative to the sandbox clock are written as offsets and resolved in the test. */
  private static final String PAST = "past";
  private static final String BEYOND_MAX = "beyond-max";

  static Stream<Arguments> badFields() {
    List<Arguments> cases = new ArrayList<>();
    for (Dialect dialect : Dialect.values()) {
      for (String field : List.of("user", "amount", "ccy", "comment", "lifetime")) {
        cases.add(Arguments.of(dialect, field, null, 341));
      }
      cases.add(Arguments.of(dialect, "user", "79031234567", 5));
      cases.add(Arguments.of(dialect, "user", "tel:+", 5));
      cases.add(Arguments.of(dialect, "user", "tel:+7903123456789012", 5));
      cases.add(Arguments.of(dialect, "user", "tel:+7903 123", 5));
      cases.add(Arguments.of(dialect, "amount", "10.001", 5));
      cases.add(Arguments.of(dialect, "amount", "-10.00", 5));
      cases.add(Arguments.of(dialect, "amount", "1e3", 5));
      cases.add(Arguments.of(dialect, "amount", "10,00", 5));
      cases.add(Arguments.of(dialect, "amount", "1234567.00", 5));
      cases.add(Arguments.of(dialect, "amount", "0.00", 5));
      cases.add(Arguments.of(dialect, "amount", "", 5));
      cases.add(Arguments.of(dialect, "ccy", "rub", 5));
      cases.add(Arguments.of(dialect, "ccy", "RUBL", 5));
      cases.add(Arguments.of(dialect, "ccy", "643", 5));
      cases.add(Arguments.of(dialect, "comment", "x".repeat(256), 5));
      cases.add(Arguments.of(dialect, "lifetime", "2030-01-01 00:00:00", 5));
      cases.add(Arguments.of(dialect, "lifetime", "2030-01-01T00:00:00Z", 5));
      cases.add(Arguments.of(dialect, "lifetime", "2030-01-01T00:00:00+03:00", 5));
      cases.add(Arguments.of(dialect, "lifetime", "2030-13-01T00:00:00", 5));
      cases.add(Arguments.of(dialect, "lifetime", PAST, 5));
      cases.add(Arguments.of(dialect, "lifetime", BEYOND_MAX, 5));
      cases.add(Arguments.of(dialect, "pay_source", "card", 5));
      cases.add(Arguments.of(dialect, "prv_name", "p".repeat(101), 5));
    }
    return cases.stream();
  }

  private String resolve(String value) {
    Instant now = clock.instant();
    if (PAST.equals(value)) {
      return SandboxClient.moscowTime(now.minusSeconds(1));
    }
    if (BEYOND_MAX.equals(value)) {
      return SandboxClient.moscowTime(now.plus(Duration.ofDays(45)).plusSeconds(2));
    }
    return value;
  }

  @ParameterizedTest(name = "{0}: {1}={2} answers {3}")
  @MethodSource("badFields")
  @DisplayName("a missing or malformed field is refused and no bill is created")
  void badField(Dialect dialect, String field, String value, int expectedCode, VertxTestContext ctx) {
    Map<String, String> fields = SandboxClient.with(SandboxClient.billFields(clock), field, resolve(value));
    client.issue(dialect, "order-bad", fields)
        .compose(reply -> {
          assertThat(reply.httpStatus()).isEqualTo(200);
          assertThat(reply.resultCode()).isEqualTo(expectedCode);
          return client.status(dialect, "order-bad");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.resultCode()).isEqualTo(210);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("the edges of every field are accepted: 255-character comment, 15 digits, 45 days, mobile, Cyrillic")
  void edgesAccepted(Dialect dialect, VertxTestContext ctx) {
    Map<String, String> fields = SandboxClient.billFields(clock);
    fields.put("user", "tel:+123456789012345");
    fields.put("comment", "Заказ №1842 — ".repeat(19).substring(0, 255));
    fields.put("lifetime", SandboxClient.moscowTime(clock.instant().plus(Duration.ofDays(45))));
    fields.put("amount", "600000.00");
    fields.put("pay_source", "mobile");
    fields.put("prv_name", "п".repeat(100));
    client.issue(dialect, "A.b-c_9", fields)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.resultCode()).isZero();
          assertThat(reply.bill().getString("bill_id")).isEqualTo("A.b-c_9");
          assertThat(reply.bill().getString("comment")).isEqualTo(fields.get("comment"));
          assertThat(reply.bill().getString("amount")).isEqualTo("600000.00");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a body with a repeated field, raw non-ASCII bytes or an escape that is not UTF-8 answers 5")
  void malformedBodies(Dialect dialect, VertxTestContext ctx) {
    String valid = SandboxClient.form(SandboxClient.billFields(clock));
    String path = SandboxClient.billPath(dialect, "order-body");
    var headers = SandboxClient.headers(dialect, true);
    Future.all(client.send(HttpMethod.PUT, path, headers, valid + "&amount=11.00"),
            client.send(HttpMethod.PUT, path, headers, valid.replace("comment=Order", "comment=Заказ")),
            client.send(HttpMethod.PUT, path, headers, valid.replace("comment=Order", "comment=%FF%FE")),
            client.send(HttpMethod.PUT, path, headers, valid.replace("comment=Order", "comment=%zz")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            assertThat(all.<QiwiReply>resultAt(i).resultCode()).as("body #" + i).isEqualTo(5);
          }
          ctx.completeNow();
        })));
  }
}
