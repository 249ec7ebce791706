package dev.qiwigateway.qiwi;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** {@link QiwiCallGuard#direct()}: a class rather than a lambda, because a lambda cannot implement a generic method. */
final class DirectCallGuard implements QiwiCallGuard {

  static final DirectCallGuard INSTANCE = new DirectCallGuard();

  private DirectCallGuard() {
  }

  @Override
  public <T> Future<T> call(QiwiOperation operation, Supplier<Future<T>> attempt) {
    return attempt.get();
  }
}
