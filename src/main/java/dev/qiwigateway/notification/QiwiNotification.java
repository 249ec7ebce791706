package dev.qiwigateway.notification;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.qiwi.QiwiDialect;
import java.math.BigDecimal;

/**
 * An authenticated, well-formed notification, ready for the inbox.
 *
 * @param prvId       the shop the body names (rest-v3); null when the dialect's body names none
 * @param shopMatches whether that shop is ours (always true when the body names none)
 * @param rawBody     the body as received, kept for the record
 */
public record QiwiNotification(
    QiwiDialect dialect,
    String billId,
    BillStatus status,
    BigDecimal amount,
    String currency,
    String prvId,
    boolean shopMatches,
    String sourceAddress,
    String rawBody) {
}
