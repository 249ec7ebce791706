package dev.qiwigateway.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's one Prometheus registry: JVM and process meters bound at creation, Vert.x meters
 * (HTTP server and client, DB pool) attached through {@link #vertxBuilder}, and the application's
 * own meters registered on {@link #registry()} by whoever owns them.
 */
public final class GatewayMetrics implements AutoCloseable {

  /**
   * Route, method and status for HTTP timings; pool type and name for the DB pool. Deliberately
   * absent: HTTP_PATH (one series per bill id) and LOCAL/REMOTE (the server side would label
   * every client socket address).
   */
  static final Set<Label> LABELS =
      EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME);

  /** Buckets for HTTP latency, so that percentiles can be computed across replicas. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private static final Set<String> LATENCY_METERS =
      Set.of("vertx.http.server.response.time", "vertx.http.client.response.time");

  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private static final AtomicInteger VERTX_REGISTRY_NAMES = new AtomicInteger();

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;

  private GatewayMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(latencyBuckets()).meterFilter(boundedHttpLabels()).meterFilter(unmatchedRoute());
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public static GatewayMetrics create() {
    return new GatewayMetrics();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * A Vert.x builder whose HTTP servers, HTTP clients and pools report into {@code registry}.
   * The caller's options are copied, not modified.
   */
  public static VertxBuilder vertxBuilder(VertxOptions options, PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backends in a static map by name: a unique name per builder keeps two
        // Vert.x instances (tests, or a restart in one JVM) from sharing a stale registry.
        .setRegistryName("qiwi-gateway-" + VERTX_REGISTRY_NAMES.incrementAndGet())
        .setJvmMetricsEnabled(false)
        .setLabels(EnumSet.copyOf(LABELS));
    return Vertx.builder()
        .with(new VertxOptions(options).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * Label values a client chooses must not grow the scrape: a method outside RFC 9110's is OTHER, and a
   * request that matched no route is "unmatched" instead of an empty label.
   */
  private static MeterFilter boundedHttpLabels() {
    return MeterFilter.replaceTagValues(Label.HTTP_METHOD.toString(), m -> STANDARD_METHODS.contains(m) ? m : "OTHER",
        STANDARD_METHODS.toArray(String[]::new));
  }

  private static MeterFilter unmatchedRoute() {
    return MeterFilter.replaceTagValues(Label.HTTP_ROUTE.toString(), r -> r.isEmpty() ? "unmatched" : r);
  }

  private static MeterFilter latencyBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!LATENCY_METERS.contains(id.getName())) {
          return config;
        }
        double[] nanos = new double[LATENCY_BUCKETS.length];
        for (int i = 0; i < nanos.length; i++) {
          nanos[i] = LATENCY_BUCKETS[i].toNanos();
        }
        return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
      }
    };
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
