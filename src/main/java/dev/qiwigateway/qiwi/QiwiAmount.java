package dev.qiwigateway.qiwi;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Amounts on the QIWI wire: decimal text, at most 6 integer digits, and (project decision) always
 * exactly two fraction digits when sent. Never a binary floating-point value.
 */
public final class QiwiAmount {

  public static final int MAX_INTEGER_DIGITS = 6;
  public static final int SCALE = 2;

  /** What QIWI accepts from a client: plain digits, optional fraction; no sign, no exponent. */
  private static final Pattern WIRE = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,2})?");

  private static final Pattern LENIENT = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,8})?");

  private QiwiAmount() {
  }

  /** Formats an exact amount with two fraction digits; refuses anything that would need rounding. */
  public static String format(BigDecimal amount) {
    if (amount.signum() <= 0) {
      throw new IllegalArgumentException("amount must be positive: " + amount.toPlainString());
    }
    BigDecimal scaled;
    try {
      scaled = amount.setScale(SCALE);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("amount has more than 2 fraction digits: " + amount.toPlainString());
    }
    if (scaled.precision() - scaled.scale() > MAX_INTEGER_DIGITS) {
      throw new IllegalArgumentException("amount has more than 6 integer digits: " + amount.toPlainString());
    }
    return scaled.toPlainString();
  }

  /** Parses an amount as a strict QIWI server would; null when the text is not a valid amount. */
  public static BigDecimal parseStrict(String text) {
    if (text == null || !WIRE.matcher(text).matches()) {
      return null;
    }
    BigDecimal value = new BigDecimal(text).setScale(SCALE);
    return value.signum() > 0 ? value : null;
  }

  /**
   * Parses an amount found in a QIWI answer or notification, tolerating the representations QIWI is
   * known to send ("10", "10.0", "10.00"); null when it is not a non-negative exact kopeck amount.
   */
  public static BigDecimal parseLenient(String text) {
    if (text == null || !LENIENT.matcher(text).matches()) {
      return null;
    }
    try {
      return new BigDecimal(text).setScale(SCALE);
    } catch (ArithmeticException notWholeKopecks) {
      return null;
    }
  }
}
