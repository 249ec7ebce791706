package dev.qiwigateway.qiwi;

import dev.qiwigateway.domain.BillStatus;
import java.math.BigDecimal;

/**
 * A bill as QIWI describes it in an answer.
 *
 * @param error   QIWI's error code for the bill itself (0 when none)
 * @param user    the buyer's wallet; null when the answer omits it
 * @param comment null when the answer omits it
 */
public record QiwiBill(String billId, BigDecimal amount, String currency, BillStatus status, int error, String user,
    String comment) {
}
