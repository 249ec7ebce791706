package dev.qiwigateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open-model shape every simulation uses: arrivals ramp from a tenth of the rate up to the rate,
 * then hold it. Which stage a request belongs to is decided by the clock when it starts, counted from
 * the first arrival (Gatling may take a while between before() and its first user), so that the
 * report shows the steady stage on its own lines ("... steady"): those are the figures the scripts
 * quote. Read from system properties {@code <prefix>.rate}, {@code .rampSeconds}, {@code .steadySeconds}.
 */
final class LoadShape {

  final double rate;
  final int rampSeconds;
  final int steadySeconds;
  private final AtomicLong startedNanos = new AtomicLong(-1);
  private final List<Runnable> onFirstArrival = new CopyOnWriteArrayList<>();

  private LoadShape(double rate, int rampSeconds, int steadySeconds) {
    if (rate <= 0 || rampSeconds < 0 || steadySeconds <= 0) {
      throw new IllegalArgumentException("rate and steady duration must be positive, ramp not negative");
    }
    this.rate = rate;
    this.rampSeconds = rampSeconds;
    this.steadySeconds = steadySeconds;
  }

  static LoadShape fromSystemProperties(String prefix, double rate, int rampSeconds, int steadySeconds) {
    return new LoadShape(
        Double.parseDouble(System.getProperty(prefix + ".rate", String.valueOf(rate))),
        Integer.parseInt(System.getProperty(prefix + ".rampSeconds", String.valueOf(rampSeconds))),
        Integer.parseInt(System.getProperty(prefix + ".steadySeconds", String.valueOf(steadySeconds))));
  }

  List<OpenInjectionStep> injection() {
    OpenInjectionStep steady = constantUsersPerSec(rate).during(steadySeconds);
    if (rampSeconds == 0) {
      return List.of(steady);
    }
    return List.of(rampUsersPerSec(Math.max(1, rate / 10)).to(rate).during(rampSeconds), steady);
  }

  /** Runs once, when the first user arrives: the moment the stages are counted from. */
  void onFirstArrival(Runnable action) {
    onFirstArrival.add(action);
  }

  /** "ramp" or "steady" for a request starting now; the first call starts the clock. */
  String stage() {
    long now = System.nanoTime();
    if (startedNanos.get() < 0 && startedNanos.compareAndSet(-1, now)) {
      onFirstArrival.forEach(Runnable::run);
    }
    return now - startedNanos.get() < rampSeconds * 1_000_000_000L ? "ramp" : "steady";
  }

  long totalSeconds() {
    return rampSeconds + steadySeconds;
  }

  /** Users the whole shape injects (the ramp is linear). */
  long expectedUsers() {
    return Math.round(rampSeconds * (Math.max(1, rate / 10) + rate) / 2 + steadySeconds * rate);
  }
}
