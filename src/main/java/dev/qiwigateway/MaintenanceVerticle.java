package dev.qiwigateway;

import dev.qiwigateway.idempotency.IdempotencyCompleter;
import dev.qiwigateway.idempotency.IdempotencyReaper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Background work on idempotency keys: finishing requests whose handler died (its lease expired) and
 * purging keys past their retention. Every replica runs it; leases keep them from doing a key twice.
 */
public final class MaintenanceVerticle extends VerticleBase {

  private final IdempotencyCompleter completer;
  private final IdempotencyReaper reaper;

  public MaintenanceVerticle(GatewayServices services) {
    this.completer = services.idempotencyCompleter();
    this.reaper = services.idempotencyReaper();
  }

  /** Started here so that their timers run on this verticle's event loop. */
  @Override
  public Future<?> start() {
    completer.start();
    reaper.start();
    return Future.succeededFuture();
  }

  /** Lets a batch in progress settle, so its leases are completed or released rather than left to expire. */
  @Override
  public Future<?> stop() {
    return Future.join(completer.stop(), reaper.stop());
  }
}
