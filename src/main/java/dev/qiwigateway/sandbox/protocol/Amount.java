package dev.qiwigateway.sandbox.protocol;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.regex.Pattern;

/** Money on the wire: plain decimal text in kopecks at most, up to six digits before the point. */
public final class Amount {

  /** No sign, no exponent, no grouping: what a client may send in {@code amount}. */
  private static final Pattern ACCEPTED = Pattern.compile("\\d{1,6}(\\.\\d{1,2})?");
  private static final int KOPECKS = 2;

  private Amount() {
  }

  /** A positive amount with two fraction digits; empty for text QIWI would refuse. */
  public static Optional<BigDecimal> parse(String text) {
    if (text == null || !ACCEPTED.matcher(text).matches()) {
      return Optional.empty();
    }
    BigDecimal amount = new BigDecimal(text).setScale(KOPECKS, RoundingMode.UNNECESSARY);
    return amount.signum() > 0 ? Optional.of(amount) : Optional.empty();
  }

  /** Always two fraction digits, as QIWI writes amounts in answers and notifications. */
  public static String format(BigDecimal amount) {
    return amount.setScale(KOPECKS, RoundingMode.UNNECESSARY).toPlainString();
  }
}
