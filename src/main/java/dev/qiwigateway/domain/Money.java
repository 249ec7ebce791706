package dev.qiwigateway.domain;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Amounts as the merchant API writes them (docs/api.md#conventions): a decimal string with exactly the
 * currency's minor digits (two for RUB, USD, EUR), positive, at most 6 integer digits, no exponent.
 */
public final class Money {

  /** No sign, no exponent, no leading zeros: "0100.00" would hide a seventh integer digit's worth of typo. */
  private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]+)?");
  private static final int MAX_INTEGER_DIGITS = 6;

  private Money() {
  }

  /** Parses {@code text} in {@code currency}; null, with the reason told to {@code refusal}, when it is not a valid amount. */
  public static BigDecimal parse(String text, String currency, Consumer<String> refusal) {
    if (text == null) {
      return null;
    }
    if (!DECIMAL.matcher(text).matches()) {
      refusal.accept("must be a positive decimal string such as \"100.00\" (no sign, no exponent)");
      return null;
    }
    int digits = minorDigits(currency);
    BigDecimal amount = new BigDecimal(text);
    int fraction = text.contains(".") ? text.length() - text.indexOf('.') - 1 : 0;
    if (fraction != digits) {
      refusal.accept("must have exactly " + digits + " fraction digits" + (currency == null ? "" : " for " + currency));
      return null;
    }
    if (amount.signum() <= 0) {
      refusal.accept("must be greater than zero");
      return null;
    }
    if (amount.precision() - amount.scale() > MAX_INTEGER_DIGITS) {
      refusal.accept("must have at most " + MAX_INTEGER_DIGITS + " integer digits");
      return null;
    }
    return amount;
  }

  /** The currency's minor digits; two when the code is unknown (QIWI always speaks in kopecks). */
  static int minorDigits(String currency) {
    try {
      int digits = currency == null ? 2 : Currency.getInstance(currency).getDefaultFractionDigits();
      return digits < 0 ? 2 : digits;
    } catch (IllegalArgumentException e) {
      return 2;
    }
  }

  /** The amount as the API shows it: the currency's minor digits, exact. */
  public static String format(BigDecimal amount, String currency) {
    return amount.setScale(minorDigits(currency)).toPlainString();
  }
}
