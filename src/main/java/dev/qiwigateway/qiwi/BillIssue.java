package dev.qiwigateway.qiwi;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What the gateway asks QIWI to issue (docs/qiwi.md#issue-bill-fields). Validated on
 * construction so that a request QIWI would refuse with 5/341 never leaves the gateway.
 *
 * @param paySource    {@code qw} or {@code mobile}; null lets QIWI use its default ({@code qw})
 * @param providerName shown on QIWI's payment form; null to omit
 */
public record BillIssue(
    String billId,
    String user,
    BigDecimal amount,
    String currency,
    String comment,
    Instant lifetime,
    String paySource,
    String providerName) {

  private static final Set<String> PAY_SOURCES = Set.of("qw", "mobile");

  public BillIssue {
    require(QiwiIds.isBillId(billId), "bill_id must be 1-30 characters [A-Za-z0-9._-]");
    require(QiwiIds.isUser(user), "user must be tel:+ and 1-15 digits");
    Objects.requireNonNull(amount, "amount");
    QiwiAmount.format(amount);
    require(currency != null && QiwiIds.CURRENCY.matcher(currency).matches(), "currency must be ISO 4217 alpha-3");
    require(comment != null && codePoints(comment) <= QiwiIds.COMMENT_MAX, "comment is required, at most 255 characters");
    Objects.requireNonNull(lifetime, "lifetime");
    require(paySource == null || PAY_SOURCES.contains(paySource), "pay_source must be qw or mobile");
    require(providerName == null || codePoints(providerName) <= QiwiIds.PROVIDER_NAME_MAX,
        "prv_name must be at most 100 characters");
  }

  private static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }

  private static void require(boolean valid, String rule) {
    if (!valid) {
      throw new IllegalArgumentException(rule);
    }
  }
}
