package dev.qiwigateway.qiwi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.Money;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the wire formats every notification and QIWI call goes through (issue 12): the form codec,
 * QIWI's amount text and the merchant API's {@link Money}. Any text is either read or refused with the
 * documented refusal, never an unexpected exception; a valid value read back from its printed form is itself.
 */
class WireFormatProperties {

  static final int TRIES = 10_000;

  @Property(tries = TRIES)
  @Label("form codec: decode(encode(fields)) = fields, for any Unicode names and values")
  void formRoundTrip(@ForAll("formFields") Map<String, String> fields) {
    assertThat(FormCodec.decode(FormCodec.encode(fields))).containsExactlyEntriesOf(fields);
  }

  @Property(tries = TRIES)
  @Label("form codec: any text decodes to fields or is refused with IllegalArgumentException, nothing else")
  void formAnyText(@ForAll("formLikeText") String body) {
    try {
      Map<String, String> fields = FormCodec.decode(body);
      assertThat(fields).doesNotContainKey(null);
    } catch (IllegalArgumentException refused) {
      assertThat(refused).isExactlyInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = TRIES)
  @Label("QIWI amount: parseStrict(format(x)) = parseLenient(format(x)) = x, for every kopeck amount QIWI allows")
  void qiwiAmountRoundTrip(@ForAll("kopecks") BigDecimal amount) {
    String printed = QiwiAmount.format(amount);
    assertThat(QiwiAmount.parseStrict(printed)).isEqualTo(amount.setScale(QiwiAmount.SCALE));
    assertThat(QiwiAmount.parseLenient(printed)).isEqualTo(amount.setScale(QiwiAmount.SCALE));
  }

  @Property(tries = TRIES)
  @Label("QIWI amount: any text parses to an exact non-negative kopeck amount or to null, never an exception")
  void qiwiAmountAnyText(@ForAll("amountLikeText") String text) {
    BigDecimal strict = QiwiAmount.parseStrict(text);
    BigDecimal lenient = QiwiAmount.parseLenient(text);
    if (strict != null) {
      assertThat(strict.signum()).isPositive();
      assertThat(strict.scale()).isEqualTo(QiwiAmount.SCALE);
      assertThat(strict.precision() - strict.scale()).isLessThanOrEqualTo(QiwiAmount.MAX_INTEGER_DIGITS);
      assertThat(lenient).isEqualTo(strict);
    }
    if (lenient != null) {
      assertThat(lenient.signum()).isNotNegative();
      assertThat(lenient.scale()).isEqualTo(QiwiAmount.SCALE);
      assertThat(lenient.compareTo(new BigDecimal(text))).isZero();
    }
  }

  @Property(tries = TRIES)
  @Label("Money: parse(format(x, ccy), ccy) = x, for every positive amount in the currency's minor unit")
  void moneyRoundTrip(@ForAll("kopecks") BigDecimal amount, @ForAll("currencies") String currency) {
    BigDecimal inCurrency = "JPY".equals(currency)
        ? amount.setScale(0, java.math.RoundingMode.DOWN).max(BigDecimal.ONE) : amount;
    String printed = Money.format(inCurrency, currency);
    List<String> refusals = new java.util.ArrayList<>();
    BigDecimal parsed = Money.parse(printed, currency, refusals::add);
    assertThat(refusals).isEmpty();
    assertThat(parsed).isEqualByComparingTo(inCurrency);
    assertThat(Money.format(parsed, currency)).isEqualTo(printed);
  }

  @Property(tries = TRIES)
  @Label("Money: any text is a positive amount of at most 6 integer digits, or null with a reason")
  void moneyAnyText(@ForAll("amountLikeText") String text, @ForAll("currencies") String currency) {
    List<String> refusals = new java.util.ArrayList<>();
    BigDecimal parsed = Money.parse(text, currency, refusals::add);
    if (parsed == null) {
      assertThat(refusals).hasSize(1);
    } else {
      assertThat(refusals).isEmpty();
      assertThat(parsed.signum()).isPositive();
      assertThat(parsed.precision() - parsed.scale()).isLessThanOrEqualTo(6);
      assertThat(Money.format(parsed, currency)).isEqualTo(text);
    }
  }

  /** Any Unicode text without lone surrogates (which no UTF-8 form can carry), sometimes outside the BMP. */
  static Arbitrary<String> unicodeText(int maxLength) {
    Arbitrary<String> bmp = Arbitraries.strings().withCharRange('\u0000', '\u007e').withCharRange('\u0080', '\ud7ff')
        .withCharRange('\ue000', '\ufffd').ofMaxLength(maxLength);
    return Combinators.combine(bmp, Arbitraries.of("", "", "", "\ud83d\ude00", "\ud834\udd1e")).as(String::concat);
  }

  @Provide
  Arbitrary<Map<String, String>> formFields() {
    return Arbitraries.maps(unicodeText(12), unicodeText(24)).ofMaxSize(8).map(LinkedHashMap::new);
  }

  /** Mostly the characters that matter to a form ('&', '=', '%', '+', hex digits), with any other char mixed in. */
  @Provide
  Arbitrary<String> formLikeText() {
    Arbitrary<Character> special = Arbitraries.of('&', '=', '%', '+', '2', 'F', 'a', 'Z', '0', 'c', '3', 'e', 'D', 'B');
    Arbitrary<Character> any = Arbitraries.chars();
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, special), net.jqwik.api.Tuple.of(1, any))
        .list().ofMaxSize(40).map(chars -> chars.stream().map(String::valueOf).reduce("", String::concat));
  }

  @Provide
  Arbitrary<BigDecimal> kopecks() {
    return Arbitraries.longs().between(1, 99_999_999L).map(minor -> BigDecimal.valueOf(minor, 2));
  }

  /** Digits, dots, signs, exponents and spaces: the neighbourhood where amount parsers go wrong. */
  @Provide
  Arbitrary<String> amountLikeText() {
    Arbitrary<Character> amountish = Arbitraries.of('0', '1', '5', '9', '.', '.', '-', '+', 'e', 'E', ' ', ',', '٣');
    Arbitrary<String> noisy = amountish.list().ofMaxSize(14)
        .map(chars -> chars.stream().map(String::valueOf).reduce("", String::concat));
    Arbitrary<String> nearValid = Combinators.combine(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9),
            Arbitraries.strings().numeric().ofMaxLength(4))
        .as((whole, fraction) -> fraction.isEmpty() ? whole : whole + "." + fraction);
    return Arbitraries.oneOf(noisy, nearValid, Arbitraries.strings().ofMaxLength(10));
  }

  @Provide
  Arbitrary<String> currencies() {
    return Arbitraries.of("RUB", "USD", "EUR", "JPY", "XXX", "ZZZ");
  }
}
