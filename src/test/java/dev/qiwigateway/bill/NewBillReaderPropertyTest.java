package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.http.JsonBody;
import dev.qiwigateway.http.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the merchant API's body reader for POST /v1/bills: {@link JsonBody} then
 * {@link NewBill#from}, exactly what the route handler runs before anything is stored. Both are pure:
 * reading a body changes nothing (BadInputTest shows the same over HTTP, with the database and QIWI
 * watched). In-process, 10,000 generated cases per property run in seconds.
 */
class NewBillReaderPropertyTest {

  private static final List<String> CURRENCIES = List.of("RUB", "USD");
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration LIFETIME_DEFAULT = Duration.ofDays(7);
  private static final Duration LIFETIME_MAX = Duration.ofDays(28);
  private static final String BILL_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

  private static NewBill read(byte[] body) {
    JsonObject json = JsonBody.parseObject(Buffer.buffer(body));
    return NewBill.from(json, CURRENCIES, LIFETIME_DEFAULT, LIFETIME_MAX, NOW);
  }

  @Property(tries = 10_000)
  void anyBytesAreReadOrRefusedWithTheContractsFourHundred(@ForAll("bodies") byte[] body) {
    try {
      read(body);
    } catch (Problem problem) {
      assertThat(problem.status()).isEqualTo(400);
      assertThat(problem.code()).isIn("malformed_request", "validation_failed");
      if (problem.code().equals("validation_failed")) {
        assertThat(problem.toJson().getJsonArray("errors")).isNotEmpty();
      }
    }
  }

  @Property(tries = 10_000)
  void aValidBillReadsBackAsItWasPrinted(@ForAll("validBills") NewBill bill, @ForAll boolean escapeAll) {
    assertThat(read(print(bill, escapeAll))).isEqualTo(bill);
  }

  /** The request body a checkout would send for {@code bill}; optional members left out when absent. */
  static byte[] print(NewBill bill, boolean escapeAll) {
    StringBuilder json = new StringBuilder("{");
    member(json, "billId", bill.billId(), escapeAll);
    member(json, "amount", bill.amount().toPlainString(), escapeAll);
    member(json, "currency", bill.currency(), escapeAll);
    member(json, "customer", bill.customer(), escapeAll);
    member(json, "comment", bill.comment(), escapeAll);
    member(json, "expiresAt", bill.expiresAt().toString(), escapeAll);
    member(json, "paySource", bill.paySource(), escapeAll);
    member(json, "providerName", bill.providerName(), escapeAll);
    member(json, "successUrl", bill.successUrl(), escapeAll);
    member(json, "failUrl", bill.failUrl(), escapeAll);
    return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void member(StringBuilder json, String name, String value, boolean escapeAll) {
    if (value != null) {
      json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":").append(quoted(value, escapeAll));
    }
  }

  /** A JSON string: every UTF-16 unit outside printable ASCII as a \\u escape when asked, else raw UTF-8. */
  private static String quoted(String text, boolean escapeAll) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || (escapeAll && c > 0x7e)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  @Provide
  Arbitrary<NewBill> validBills() {
    Arbitrary<String> billId = Arbitraries.strings().withChars(BILL_ID_CHARS).ofMinLength(1).ofMaxLength(30)
        .filter(id -> !id.chars().allMatch(c -> c == '.')).injectNull(0.2);
    Arbitrary<BigDecimal> amount = Arbitraries.longs().between(1, 99_999_999L).map(cents -> BigDecimal.valueOf(cents, 2));
    Arbitrary<String> customer = Arbitraries.strings().numeric().ofMinLength(7).ofMaxLength(15).map(d -> "tel:+" + d);
    Arbitrary<Instant> expiresAt = Arbitraries.longs().between(1, LIFETIME_MAX.toSeconds()).map(NOW::plusSeconds);
    Arbitrary<String> url = Arbitraries.strings().alpha().numeric().ofMaxLength(40)
        .map(path -> "https://shop.example/" + path).injectNull(0.5);
    Arbitrary<NewBill> required = Combinators.combine(billId, amount, Arbitraries.of(CURRENCIES), customer, text(255),
        expiresAt).as((id, sum, currency, wallet, comment, expiry) -> new NewBill(id, sum, currency, wallet, comment,
            expiry, null, null, null, null));
    return Combinators.combine(required, Arbitraries.of("qw", "mobile").injectNull(0.4), text(100).injectNull(0.5),
            url, url)
        .as((bill, paySource, providerName, success, fail) -> new NewBill(bill.billId(), bill.amount(),
            bill.currency(), bill.customer(), bill.comment(), bill.expiresAt(), paySource, providerName, success,
            fail));
  }

  /** 1 to {@code maxCodePoints} code points of any plane, none a surrogate or U+0000. */
  private static Arbitrary<String> text(int maxCodePoints) {
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.integers().between(0x20, 0x7e)),
        Tuple.of(2, Arbitraries.integers().between(0x01, 0xd7ff)),
        Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)),
        Tuple.of(1, Arbitraries.integers().between(0xe000, 0xfffd)));
    return codePoint.list().ofMinSize(1).ofMaxSize(maxCodePoints)
        .map(points -> new String(points.stream().mapToInt(Integer::intValue).toArray(), 0, points.size()));
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<byte[]> flipped = Combinators.combine(validBills(), Arbitraries.integers().greaterOrEqual(0),
            Arbitraries.bytes())
        .as((bill, at, value) -> {
          byte[] body = print(bill, false);
          body[at % body.length] = value;
          return body;
        });
    Arbitrary<byte[]> cut = Combinators.combine(validBills(), Arbitraries.integers().greaterOrEqual(0))
        .as((bill, at) -> {
          byte[] body = print(bill, true);
          return java.util.Arrays.copyOf(body, at % body.length);
        });
    return Arbitraries.frequencyOf(Tuple.of(2, noise), Tuple.of(3, flipped), Tuple.of(1, cut), Tuple.of(4, soup()));
  }

  /** Objects with the bill's members holding any JSON value: strings of any UTF-16 units, numbers, nesting. */
  private static Arbitrary<byte[]> soup() {
    Arbitrary<String> anyUnits = Arbitraries.strings().all().ofMaxLength(12).map(s -> quoted(s, true));
    Arbitrary<String> numbers = Arbitraries.of("0", "-1", "1.50", "1e400", "12345678901234567890", "-0.0", "1E-7");
    Arbitrary<String> literals = Arbitraries.of("true", "false", "null", "[]", "{}", "[\"RUB\"]", "{\"a\":\"\\ud800\"}");
    Arbitrary<String> plausible = Arbitraries.of("\"10.00\"", "\"RUB\"", "\"tel:+79161234567\"", "\"c\"",
        "\"2026-12-02T00:00:00Z\"", "\"qw\"", "\"https://a.example/\"", "\"bill-1\"", "\"..\"");
    Arbitrary<String> value = Arbitraries.oneOf(anyUnits, numbers, literals, plausible, plausible);
    Arbitrary<String> name = Arbitraries.of("billId", "amount", "currency", "customer", "comment", "expiresAt",
        "paySource", "providerName", "successUrl", "failUrl", "extra", "\\udc00");
    return Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v).list().ofMaxSize(12)
        .map(members -> ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8));
  }
}
