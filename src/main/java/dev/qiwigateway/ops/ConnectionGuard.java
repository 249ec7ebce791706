package dev.qiwigateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps slow and surplus clients from holding a port, the public and the management one
 * (docs/api.md#configuration). The idle timeout alone does not: a client that sends one byte a second
 * is never idle. So a new connection must deliver its first request's line and headers within the
 * header timeout, and a kept-alive one its next request's within the idle timeout of the previous
 * response (a proxy in front keeps idle upstream connections for up to a minute, and must not find them
 * closed sooner); a replica holds at most {@link Limit#max} connections on a port, closing one more at
 * once. One guard per verticle, used on its event loop only; the {@link Limit} is the replica's port's.
 * Both closings count in {@code gateway.http.connections.closed} (the management port's in
 * {@code gateway.management.connections.closed}); neither logs, as a flood would otherwise flood the log too.
 */
public final class ConnectionGuard implements Handler<RoutingContext> {

  static final String CLOSED_METER = "gateway.http.connections.closed";
  static final String MANAGEMENT_CLOSED_METER = "gateway.management.connections.closed";

  private final Vertx vertx;
  private final Limit limit;
  private final long headerTimeoutMs;
  private final long keepAliveMs;
  private final Map<HttpConnection, Tracked> connections = new HashMap<>();

  public ConnectionGuard(Vertx vertx, Limit limit, Duration headerTimeout, Duration idleTimeout) {
    this.vertx = vertx;
    this.limit = limit;
    this.headerTimeoutMs = Math.max(1, headerTimeout.toMillis());
    this.keepAliveMs = Math.max(1, idleTimeout.toMillis());
  }

  /** The server's connection handler: admits or closes, and starts the wait for the first request. */
  public void admit(HttpConnection connection) {
    if (!limit.tryOpen()) {
      limit.overLimit.increment();
      connection.close();
      return;
    }
    Tracked tracked = new Tracked(connection);
    connections.put(connection, tracked);
    connection.closeHandler(closed -> {
      if (connections.remove(connection) != null) {
        tracked.disarm();
        limit.closed();
      }
    });
    tracked.arm(headerTimeoutMs);
  }

  /** First handler of the router: the request's headers are in; wait again once it is answered. */
  @Override
  public void handle(RoutingContext ctx) {
    Tracked tracked = connections.get(ctx.request().connection());
    if (tracked != null && ctx.get(CLOSED_METER) == null) {
      // A reroute passes through again; the request is counted once.
      ctx.put(CLOSED_METER, Boolean.TRUE);
      tracked.requestStarted();
      ctx.addEndHandler(ended -> tracked.requestEnded());
    }
    ctx.next();
  }

  /** A connection and its requests in flight (several on HTTP/2); the deadline runs while there are none. */
  private final class Tracked {
    private final HttpConnection connection;
    private int inFlight;
    private long timer = -1;

    Tracked(HttpConnection connection) {
      this.connection = connection;
    }

    void requestStarted() {
      inFlight++;
      disarm();
    }

    void requestEnded() {
      inFlight--;
      if (inFlight == 0 && connections.get(connection) == this) {
        arm(keepAliveMs);
      }
    }

    void arm(long deadlineMs) {
      disarm();
      timer = vertx.setTimer(deadlineMs, fired -> {
        timer = -1;
        if (inFlight == 0 && connections.get(connection) == this) {
          limit.headerTimeouts.increment();
          connection.close();
        }
      });
    }

    void disarm() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  /** The open connections of one replica's port, shared by the verticles serving it. */
  public static final class Limit {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter overLimit;
    private final Counter headerTimeouts;

    /** The public port's, limited by HTTP_MAX_CONNECTIONS. */
    public Limit(int max, MeterRegistry registry) {
      this(max, registry, CLOSED_METER, "gateway.http.connections.open", "public", "HTTP_MAX_CONNECTIONS");
    }

    /** The management port's, limited by MANAGEMENT_MAX_CONNECTIONS and counted apart from the public port's. */
    public static Limit management(int max, MeterRegistry registry) {
      return new Limit(max, registry, MANAGEMENT_CLOSED_METER, "gateway.management.connections.open", "management",
          "MANAGEMENT_MAX_CONNECTIONS");
    }

    private Limit(int max, MeterRegistry registry, String closedMeter, String openMeter, String port, String setting) {
      this.max = max;
      overLimit = Counter.builder(closedMeter).tag("reason", "over_limit")
          .description("Connections of the " + port + " port closed at once because the replica held " + setting)
          .register(registry);
      headerTimeouts = Counter.builder(closedMeter).tag("reason", "header_timeout")
          .description("Connections of the " + port + " port closed because no complete request headers came within"
              + " HTTP_HEADER_TIMEOUT_MS")
          .register(registry);
      Gauge.builder(openMeter, open, AtomicInteger::get)
          .description("Open connections of the " + port + " port").register(registry);
    }

    public int max() {
      return max;
    }

    boolean tryOpen() {
      while (true) {
        int now = open.get();
        if (now >= max) {
          return false;
        }
        if (open.compareAndSet(now, now + 1)) {
          return true;
        }
      }
    }

    void closed() {
      open.decrementAndGet();
    }
  }
}
