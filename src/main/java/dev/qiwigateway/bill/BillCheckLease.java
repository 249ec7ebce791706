package dev.qiwigateway.bill;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A waiting bill's next status check, leased by one replica's poller. {@code leaseUntil} is the value this
 * replica wrote, so it also identifies the lease: a replica whose lease was taken over writes nothing.
 */
public record BillCheckLease(String billId, Instant expiresAt, int checksDone, OffsetDateTime leaseUntil) {
}
