package dev.qiwigateway.sandbox.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sandbox reads forms, amounts and Moscow timestamps as strictly as QIWI")
class SandboxWireFormatsTest {

  @Test
  @DisplayName("a form decodes percent escapes and '+' as UTF-8 text and keeps the fields' order")
  void formDecodes() {
    assertThat(FormBody.decode("b=%D0%A2%D0%B5%D1%81%D1%82&a=x+y%2Bz&empty=&flag"))
        .hasValueSatisfying(fields -> assertThat(fields).containsExactly(Map.entry("b", "Тест"),
            Map.entry("a", "x y+z"), Map.entry("empty", ""), Map.entry("flag", "")));
    assertThat(FormBody.decode("")).hasValue(Map.of());
  }

  @Test
  @DisplayName("a repeated name, a broken escape, bytes that are not UTF-8 or raw non-ASCII make the form malformed")
  void formRefuses() {
    assertThat(FormBody.decode("amount=1.00&amount=2.00")).isEmpty();
    assertThat(FormBody.decode("comment=%zz")).isEmpty();
    assertThat(FormBody.decode("comment=%4")).isEmpty();
    assertThat(FormBody.decode("comment=%FF%FE")).isEmpty();
    assertThat(FormBody.decode("comment=Заказ".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(FormBody.decode("comment=a\nb")).isEmpty();
  }

  @Test
  @DisplayName("what the sandbox encodes it decodes back unchanged")
  void formRoundTrip() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("comment", "Заказ №7 & co + 50% off = ok?");
    fields.put("user", "tel:+79031234567");
    assertThat(FormBody.decode(FormBody.encode(fields))).hasValue(fields);
  }

  @Test
  @DisplayName("amounts: up to six integer digits and two fraction digits, positive, no sign or exponent")
  void amounts() {
    assertThat(Amount.parse("10")).hasValue(new BigDecimal("10.00"));
    assertThat(Amount.parse("10.5")).hasValue(new BigDecimal("10.50"));
    assertThat(Amount.parse("999999.99")).hasValue(new BigDecimal("999999.99"));
    for (String bad : new String[] {"", "0", "0.00", "10.001", "-1.00", "+1.00", "1e3", "10,00", "1234567.00", ".5",
        "5.", " 5.00"}) {
      assertThat(Amount.parse(bad)).as(bad).isEmpty();
    }
    assertThat(Amount.format(new BigDecimal("1499"))).isEqualTo("1499.00");
  }

  @Test
  @DisplayName("timestamps are UTC+3 without a zone, to the second; impossible dates are refused")
  void moscowTime() {
    Instant instant = Instant.parse("2017-03-01T16:00:00Z");
    assertThat(MoscowTime.format(instant)).isEqualTo("2017-03-01T19:00:00");
    assertThat(MoscowTime.parse("2017-03-01T19:00:00")).hasValue(instant);
    for (String bad : new String[] {"2017-03-01 19:00:00", "2017-03-01T19:00:00Z", "2017-03-01T19:00",
        "2017-02-30T10:00:00", "2017-03-01T24:00:00", "2017-03-01T19:00:00+03:00"}) {
      assertThat(MoscowTime.parse(bad)).as(bad).isEmpty();
    }
  }
}
