package dev.qiwigateway.sandbox;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * The parameters of an issue-bill request after validation, from whichever API or web form issued it.
 *
 * @param user      the buyer's wallet ({@code tel:+...}); null when a v1 request or a web form named none
 * @param comment   null only for v1 and web-form bills issued without one
 * @param paySource {@code qw} when the request named none (QIWI's default)
 * @param prvName   null when the request named none
 * @param v1        what only a {@code partner/bill/v1} bill has; null for a rest-v3 or pull-v2 bill
 */
record IssueRequest(String billId, String user, BigDecimal amount, String currency, String comment,
    Instant lifetime, String paySource, String prvName, V1Details v1) {

  /**
   * The v1 fields that the bill echoes back as they were given.
   *
   * @param customer     {@code phone}, {@code email}, {@code account} as given (only those three)
   * @param customFields string values by name, as given
   */
  record V1Details(JsonObject customer, JsonObject customFields) {
  }

  IssueRequest(String billId, String user, BigDecimal amount, String currency, String comment, Instant lifetime,
      String paySource, String prvName) {
    this(billId, user, amount, currency, comment, lifetime, paySource, prvName, null);
  }

  boolean isV1() {
    return v1 != null;
  }

  /**
   * Whether a later PUT for the same bill id repeats this one (answered with the bill, 0) rather than
   * conflicts with it (215). QIWI documents that the same prv_id, bill_id and amount get the same answer;
   * the currency and the wallet are held too, as they change what is paid and by whom. A new lifetime,
   * comment, pay_source or prv_name is still the same bill: an SDK that recomputes its lifetime on a retry
   * must not see a false conflict. The bill stays as first issued. A v1 bill is never repeated by a
   * rest-v3 or pull-v2 request, nor the other way round: they are different APIs at QIWI.
   */
  boolean isRepeatedBy(IssueRequest later) {
    return billId.equals(later.billId) && amount.compareTo(later.amount) == 0 && currency.equals(later.currency)
        && Objects.equals(user, later.user) && isV1() == later.isV1();
  }
}
