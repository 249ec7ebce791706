package dev.qiwigateway.bill;

import java.time.OffsetDateTime;

/** A processing refund's next status check, leased by one replica's poller; see {@link BillCheckLease}. */
public record RefundCheckLease(String billId, String refundId, int checksDone, OffsetDateTime leaseUntil) {
}
