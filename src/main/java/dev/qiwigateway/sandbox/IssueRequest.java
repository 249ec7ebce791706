package dev.qiwigateway.sandbox;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The parameters of an issue-bill PUT after validation. Two PUTs are "the same request" exactly when
 * these records are equal, which is how QIWI tells an idempotent repeat (0) from a conflict (215).
 *
 * @param paySource {@code qw} when the request named none (QIWI's default)
 * @param prvName   null when the request named none
 */
record IssueRequest(String billId, String user, BigDecimal amount, String currency, String comment,
    Instant lifetime, String paySource, String prvName) {
}
