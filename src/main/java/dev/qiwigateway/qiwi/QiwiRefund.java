package dev.qiwigateway.qiwi;

import dev.qiwigateway.domain.RefundStatus;
import java.math.BigDecimal;

/**
 * A refund as QIWI describes it in an answer.
 *
 * @param error QIWI's error code for the refund itself (0 when none)
 * @param user  the wallet refunded to; null when the answer omits it
 */
public record QiwiRefund(String refundId, BigDecimal amount, RefundStatus status, int error, String user) {
}
