package dev.qiwigateway;

import dev.qiwigateway.bill.BillRoutes;
import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.bill.RefundLedger;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.event.EventRoutes;
import dev.qiwigateway.idempotency.IdempotencyCompleter;
import dev.qiwigateway.idempotency.IdempotencyReaper;
import dev.qiwigateway.idempotency.IdempotencyStore;
import dev.qiwigateway.notification.NotificationInbox;
import dev.qiwigateway.ops.ServiceReadiness;
import dev.qiwigateway.qiwi.QiwiClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;

/**
 * What an instance's verticles share: thread-safe handles created once at start-up. The config's
 * QIWI settings are final here (the sandbox's address already filled in, in dev).
 */
public record GatewayServices(
    GatewayConfig config,
    Pool pool,
    QiwiClient qiwi,
    MeterRegistry registry,
    ServiceReadiness readiness,
    BillStore bills,
    RefundLedger refunds,
    IdempotencyStore idempotency,
    IdempotencyCompleter idempotencyCompleter,
    IdempotencyReaper idempotencyReaper,
    NotificationInbox notificationInbox,
    BillRoutes billRoutes,
    EventRoutes eventRoutes) {
}
