package dev.qiwigateway.sandbox;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The parameters of an issue-bill PUT after validation.
 *
 * @param paySource {@code qw} when the request named none (QIWI's default)
 * @param prvName   null when the request named none
 */
record IssueRequest(String billId, String user, BigDecimal amount, String currency, String comment,
    Instant lifetime, String paySource, String prvName) {

  /**
   * Whether a later PUT for the same bill id repeats this one (answered with the bill, 0) rather than
   * conflicts with it (215). QIWI documents that the same prv_id, bill_id and amount get the same answer;
   * the currency and the wallet are held too, as they change what is paid and by whom. A new lifetime,
   * comment, pay_source or prv_name is still the same bill: an SDK that recomputes its lifetime on a retry
   * must not see a false conflict. The bill stays as first issued.
   */
  boolean isRepeatedBy(IssueRequest later) {
    return billId.equals(later.billId) && amount.compareTo(later.amount) == 0 && currency.equals(later.currency)
        && user.equals(later.user);
  }
}
