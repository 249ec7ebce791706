package dev.qiwigateway.qiwi;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The seam where resilience (circuit breaker, retry, rate limiter) wraps every QIWI call. The client
 * hands over one HTTP attempt per invocation of {@code attempt}: each invocation builds and sends a
 * fresh request, so a guard may invoke it again to retry.
 */
public interface QiwiCallGuard {

  <T> Future<T> call(QiwiOperation operation, Supplier<Future<T>> attempt);

  /** No protection at all: exactly one attempt per call. */
  static QiwiCallGuard direct() {
    return Direct.INSTANCE;
  }

  /** {@link QiwiCallGuard#direct()}: a class, because a lambda cannot implement a generic method. */
  final class Direct implements QiwiCallGuard {

    static final Direct INSTANCE = new Direct();

    private Direct() {
    }

    @Override
    public <T> Future<T> call(QiwiOperation operation, Supplier<Future<T>> attempt) {
      return attempt.get();
    }
  }
}
