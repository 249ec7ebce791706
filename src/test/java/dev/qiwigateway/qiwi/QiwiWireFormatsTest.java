package dev.qiwigateway.qiwi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Amounts, Moscow timestamps, form bodies and credential printing as they appear on the QIWI wire. */
class QiwiWireFormatsTest {

  @Test
  @DisplayName("an amount is always sent with exactly two fraction digits")
  void amountsAreSentWithTwoDecimals() {
    assertThat(QiwiAmount.format(new BigDecimal("10"))).isEqualTo("10.00");
    assertThat(QiwiAmount.format(new BigDecimal("1499.5"))).isEqualTo("1499.50");
    assertThat(QiwiAmount.format(new BigDecimal("0.01"))).isEqualTo("0.01");
    assertThat(QiwiAmount.format(new BigDecimal("999999.99"))).isEqualTo("999999.99");
    assertThat(QiwiAmount.format(new BigDecimal("12.3400"))).isEqualTo("12.34");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1.234", "1234567.00", "0", "0.00", "-1.00", "-0.01"})
  @DisplayName("an amount that QIWI cannot take exactly is refused rather than rounded")
  void amountsThatNeedRoundingOrAreNotPositiveAreRefused(String amount) {
    assertThatIllegalArgumentException().isThrownBy(() -> QiwiAmount.format(new BigDecimal(amount)));
  }

  @Test
  @DisplayName("a strict server reads plain amounts with up to two decimals")
  void strictParsingAcceptsPlainAmounts() {
    assertThat(QiwiAmount.parseStrict("10")).isEqualTo(new BigDecimal("10.00"));
    assertThat(QiwiAmount.parseStrict("1499.00")).isEqualTo(new BigDecimal("1499.00"));
    assertThat(QiwiAmount.parseStrict("999999.9")).isEqualTo(new BigDecimal("999999.90"));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"1e3", "1E3", "+10.00", "-10.00", "10.001", "1234567", "1234567.00", "0", "0.00", ".50",
      "10.", " 10.00", "10,00", ""})
  @DisplayName("a strict server refuses exponents, signs, three decimals and seven integer digits")
  void strictParsingRefusesOddAmounts(String text) {
    assertThat(QiwiAmount.parseStrict(text)).isNull();
  }

  @Test
  @DisplayName("an amount in a QIWI answer is read leniently but never inexactly")
  void lenientParsing() {
    assertThat(QiwiAmount.parseLenient("10")).isEqualTo(new BigDecimal("10.00"));
    assertThat(QiwiAmount.parseLenient("10.0")).isEqualTo(new BigDecimal("10.00"));
    assertThat(QiwiAmount.parseLenient("10.500")).isEqualTo(new BigDecimal("10.50"));
    assertThat(QiwiAmount.parseLenient("10.005")).isNull();
    assertThat(QiwiAmount.parseLenient("1e3")).isNull();
    assertThat(QiwiAmount.parseLenient("-1.00")).isNull();
  }

  @Test
  @DisplayName("a bill lifetime is written in Moscow time without a zone suffix and reads back to the same instant")
  void lifetimeIsMoscowTime() {
    Instant utc = Instant.parse("2024-03-01T21:30:45Z");

    assertThat(QiwiLifetime.format(utc)).isEqualTo("2024-03-02T00:30:45");
    assertThat(QiwiLifetime.parse("2024-03-02T00:30:45")).isEqualTo(utc);
    assertThat(QiwiLifetime.format(Instant.parse("2017-03-01T16:00:00.999Z"))).isEqualTo("2017-03-01T19:00:00");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"2024-03-02T00:30:45+03:00", "2024-03-02T00:30:45Z", "2024-03-02 00:30:45",
      "2024-03-02T00:30", "2024-13-02T00:30:45"})
  @DisplayName("a QIWI timestamp with a zone, a space or missing seconds is not a QIWI timestamp")
  void lifetimeParsingIsStrict(String text) {
    assertThat(QiwiLifetime.parse(text)).isNull();
  }

  @Test
  @DisplayName("form bodies carry Cyrillic, spaces and reserved characters as UTF-8 and decode back unchanged")
  void formRoundTrip() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("comment", "Заказ №1842: чай & кофе = 2 шт.");
    fields.put("user", "tel:+79031234567");

    String encoded = FormCodec.encode(fields);

    assertThat(encoded).startsWith("comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7+")
        .contains("user=tel%3A%2B79031234567")
        .contains("%26").contains("%3D")
        .matches("[A-Za-z0-9%+=&._*-]*");
    assertThat(FormCodec.decode(encoded)).containsExactlyEntriesOf(fields);
    assertThat(FormCodec.decode("a=%20b+c")).containsEntry("a", " b c");
  }

  @Test
  @DisplayName("a form body that names a field twice is refused as malformed")
  void duplicateFieldIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FormCodec.decode("status=paid&amount=1.00&status=rejected"))
        .withMessageContaining("status");
  }

  @Test
  @DisplayName("printing the shop's credentials never shows the API secret, the SECRET_KEY or the notification password")
  void credentialsHideSecrets() {
    QiwiCredentials credentials = QiwiCredentials.of("2042", "23244123", "453Fdgd443", "notify-pass");

    assertThat(credentials.toString())
        .contains("2042").contains("23244123")
        .doesNotContain("453Fdgd443").doesNotContain(credentials.secretKey()).doesNotContain("notify-pass");
  }
}
