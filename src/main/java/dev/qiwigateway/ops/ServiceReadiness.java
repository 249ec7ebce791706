package dev.qiwigateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Whether this replica may take payment traffic: its database answers, its schema is migrated,
 * and it is not shutting down. Shared between Main (which flips the flags) and the management
 * endpoint (which asks {@link #check}).
 */
public final class ServiceReadiness {

  public static final String DATABASE = "database";
  public static final String MIGRATIONS = "migrations";
  public static final String LIFECYCLE = "lifecycle";

  private static final Logger log = LoggerFactory.getLogger(ServiceReadiness.class);
  private static final int MAX_REASON_LENGTH = 200;

  private final String profile;
  private final Supplier<Future<?>> databaseProbe;
  private final long databaseTimeoutMs;
  private volatile boolean migrated;
  private volatile boolean shuttingDown;
  private volatile Boolean lastReady;

  /**
   * @param profile           shown in every readiness answer ({@code dev} must be visible there)
   * @param databaseProbe     a round trip to the database, e.g. {@code () -> pool.query("SELECT 1").execute()}
   * @param databaseTimeoutMs how long the probe may take before the database counts as unreachable
   */
  public ServiceReadiness(String profile, Supplier<Future<?>> databaseProbe, long databaseTimeoutMs) {
    if (databaseTimeoutMs <= 0) {
      throw new IllegalArgumentException("database check timeout must be positive: " + databaseTimeoutMs);
    }
    this.profile = Objects.requireNonNull(profile, "profile");
    this.databaseProbe = Objects.requireNonNull(databaseProbe, "databaseProbe");
    this.databaseTimeoutMs = databaseTimeoutMs;
  }

  public void markMigrated() {
    migrated = true;
  }

  /** From now on the replica answers not-ready, so the load balancer drains it. Irreversible. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  public String profile() {
    return profile;
  }

  /** Runs every check; the returned future always succeeds, a failing check is part of the report. */
  public Future<Report> check(Vertx vertx) {
    return checkDatabase(vertx)
        .map(database -> new Report(profile, List.of(database, checkMigrations(), checkLifecycle())))
        .onSuccess(this::logTransition);
  }

  private Future<Check> checkDatabase(Vertx vertx) {
    Promise<Check> verdict = Promise.promise();
    long timer = vertx.setTimer(databaseTimeoutMs,
        id -> verdict.tryComplete(Check.down(DATABASE, "no answer within " + databaseTimeoutMs + " ms")));
    probeDatabase().onComplete(answer -> {
      vertx.cancelTimer(timer);
      verdict.tryComplete(answer.succeeded()
          ? Check.up(DATABASE)
          : Check.down(DATABASE, "unreachable: " + describe(answer.cause())));
    });
    return verdict.future();
  }

  private Future<?> probeDatabase() {
    try {
      Future<?> probe = databaseProbe.get();
      return probe != null ? probe : Future.failedFuture(new IllegalStateException("no database probe"));
    } catch (RuntimeException e) {
      // A closed pool throws instead of failing the future; that is just an unreachable database.
      return Future.failedFuture(e);
    }
  }

  private Check checkMigrations() {
    return migrated ? Check.up(MIGRATIONS) : Check.down(MIGRATIONS, "schema migration has not completed");
  }

  private Check checkLifecycle() {
    return shuttingDown ? Check.down(LIFECYCLE, "shutting down") : Check.up(LIFECYCLE);
  }

  private void logTransition(Report report) {
    boolean ready = report.ready();
    if (!Objects.equals(lastReady, ready)) {
      lastReady = ready;
      log.atInfo()
          .addKeyValue("ready", ready)
          .addKeyValue("failing", report.failing().stream().map(Check::name).collect(Collectors.joining(",")))
          .log("readiness changed");
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
  }

  /** One named check; {@code reason} is null when it passes. */
  public record Check(String name, boolean up, String reason) {

    static Check up(String name) {
      return new Check(name, true, null);
    }

    static Check down(String name, String reason) {
      return new Check(name, false, reason);
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("name", name).put("status", up ? "UP" : "DOWN");
      return reason == null ? json : json.put("reason", reason);
    }
  }

  /** The answer of one readiness check, in the order the checks ran. */
  public record Report(String profile, List<Check> checks) {

    private static final String DEV_PROFILE = "dev";
    private static final String DEV_NOTICE =
        "development profile: embedded PostgreSQL and built-in QIWI sandbox, not for real payments";

    public boolean ready() {
      return checks.stream().allMatch(Check::up);
    }

    public List<Check> failing() {
      return checks.stream().filter(check -> !check.up()).toList();
    }

    public JsonObject toJson() {
      JsonArray list = new JsonArray();
      checks.forEach(check -> list.add(check.toJson()));
      JsonObject json = new JsonObject()
          .put("status", ready() ? "UP" : "DOWN")
          .put("profile", profile)
          .put("checks", list);
      return DEV_PROFILE.equals(profile) ? json.put("notice", DEV_NOTICE) : json;
    }
  }
}
