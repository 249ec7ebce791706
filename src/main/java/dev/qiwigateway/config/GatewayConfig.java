package dev.qiwigateway.config;

import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gateway's whole configuration, typed and validated once at start-up (docs/api.md#configuration).
 * Built from flat settings whose names are the environment variables; {@link #describe()} is the
 * only printable form and it never contains a secret.
 */
public record GatewayConfig(
    Profile profile,
    String httpHost,
    int httpPort,
    int managementPort,
    String managementHost,
    DatabaseSettings database,
    QiwiSettings qiwi,
    List<String> currencies,
    Duration billLifetimeDefault,
    Duration billLifetimeMax,
    MerchantTokens merchantTokens,
    WebhookSettings webhook,
    IdempotencySettings idempotency,
    int sandboxPort,
    Duration drainTimeout,
    String logFormat,
    PollerSettings poller,
    HttpServerSettings httpServer,
    IngestSettings ingest) {

  /** QIWI refuses lifetimes further ahead than this (docs/qiwi.md#issue-bill-fields). */
  public static final Duration QIWI_LIFETIME_LIMIT = Duration.ofDays(45);

  /** Every start-up setting; values may come from a config file (CONFIG_FILE) or the environment. */
  public static GatewayConfig from(JsonObject settings) {
    return read(new SettingsReader(settings));
  }

  /**
   * Each setting that has a default, with that default as text (the dev profile's view): the settings
   * classes are the one place defaults are written; docs and manifests checks read them from here.
   */
  public static Map<String, String> defaults() {
    SettingsReader in = new SettingsReader(new JsonObject());
    read(in);
    return in.defaults();
  }

  private static GatewayConfig read(SettingsReader in) {
    Profile profile = in.parsed("GATEWAY_PROFILE", "dev", GatewayConfig::profile, "must be dev or prod");
    boolean prod = profile == Profile.PROD;
    Duration lifetimeDefault = in.duration("BILL_LIFETIME_DEFAULT", Duration.ofDays(7));
    Duration lifetimeMax = in.duration("BILL_LIFETIME_MAX", Duration.ofDays(28));
    checkLifetimes(in, lifetimeDefault, lifetimeMax);
    GatewayConfig config = new GatewayConfig(
        profile,
        in.string("HTTP_HOST", "0.0.0.0"),
        in.port("HTTP_PORT", 8080),
        in.port("MANAGEMENT_PORT", 9090),
        in.string("MANAGEMENT_HOST", "0.0.0.0"),
        DatabaseSettings.read(in, prod),
        QiwiSettings.read(in, prod),
        currencies(in),
        lifetimeDefault,
        lifetimeMax,
        MerchantTokens.read(in, prod),
        WebhookSettings.read(in),
        IdempotencySettings.read(in),
        in.port("SANDBOX_PORT", 8090),
        Duration.ofMillis(in.integer("DRAIN_TIMEOUT_MS", 20_000, 0, 600_000)),
        in.parsed("LOG_FORMAT", "text", GatewayConfig::logFormat, "must be text or json"),
        PollerSettings.read(in),
        HttpServerSettings.read(in),
        IngestSettings.read(in));
    if (!in.problems().isEmpty()) {
      throw new ConfigException(in.problems());
    }
    return config;
  }

  public GatewayConfig withDatabase(DatabaseSettings newDatabase) {
    return new GatewayConfig(profile, httpHost, httpPort, managementPort, managementHost, newDatabase, qiwi, currencies,
        billLifetimeDefault, billLifetimeMax, merchantTokens, webhook, idempotency, sandboxPort, drainTimeout,
        logFormat, poller, httpServer, ingest);
  }

  public GatewayConfig withQiwi(QiwiSettings newQiwi) {
    return new GatewayConfig(profile, httpHost, httpPort, managementPort, managementHost, database, newQiwi, currencies,
        billLifetimeDefault, billLifetimeMax, merchantTokens, webhook, idempotency, sandboxPort, drainTimeout,
        logFormat, poller, httpServer, ingest);
  }

  public boolean isDev() {
    return profile == Profile.DEV;
  }

  /** The configuration as an operator may see it: structure and non-secret values only. */
  public String describe() {
    return "profile=" + profile.configName()
        + " http=" + httpHost + ":" + httpPort + " (" + httpServer.describe() + ")"
        + " management=" + managementHost + ":" + managementPort
        + " database=" + database.describe() + " (ingest: " + ingest.describe() + ")"
        + " qiwi=" + qiwi.describe()
        + " currencies=" + currencies
        + " billLifetime=" + billLifetimeDefault + "/max " + billLifetimeMax
        + " merchants=" + merchantTokens.merchantIds()
        + " webhook=" + webhook.describe()
        + " drainTimeout=" + drainTimeout
        + " logFormat=" + logFormat
        + " poller=" + poller.describe();
  }

  @Override
  public String toString() {
    return "GatewayConfig[" + describe() + "]";
  }

  private static void checkLifetimes(SettingsReader in, Duration lifetimeDefault, Duration lifetimeMax) {
    if (lifetimeMax.compareTo(QIWI_LIFETIME_LIMIT) > 0) {
      in.problem("BILL_LIFETIME_MAX", "must not exceed QIWI's limit of 45 days (P45D)");
    }
    if (lifetimeDefault.compareTo(lifetimeMax) > 0) {
      in.problem("BILL_LIFETIME_DEFAULT", "must not exceed BILL_LIFETIME_MAX");
    }
  }

  private static List<String> currencies(SettingsReader in) {
    List<String> codes = in.list("CURRENCIES", "RUB");
    for (String code : codes) {
      boolean iso = code.matches("[A-Z]{3}") && java.util.Currency.getAvailableCurrencies().stream()
          .anyMatch(c -> c.getCurrencyCode().equals(code));
      if (!iso) {
        in.problem("CURRENCIES", "'" + code + "' is not an ISO 4217 alphabetic code");
      }
    }
    if (codes.isEmpty()) {
      in.problem("CURRENCIES", "must name at least one currency");
    }
    return codes;
  }

  private static Profile profile(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "dev" -> Profile.DEV;
      case "prod" -> Profile.PROD;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static String logFormat(String name) {
    if (!name.equals("text") && !name.equals("json")) {
      throw new IllegalArgumentException(name);
    }
    return name;
  }

  /** Reads the QIWI settings; kept here because the dialect decides which secrets are required. */
  static QiwiCredentials credentials(SettingsReader in, boolean prod, QiwiDialect dialect) {
    String prvId = in.required("QIWI_PRV_ID", prod);
    String apiId = in.required("QIWI_API_ID", prod);
    String apiSecret = in.required("QIWI_API_SECRET", prod);
    String notifyPassword = in.required("QIWI_NOTIFY_PASSWORD", prod && dialect == QiwiDialect.PULL_V2);
    if (prvId != null && !prvId.matches("[0-9]{1,18}")) {
      in.problem("QIWI_PRV_ID", "must be the numeric shop id");
    }
    if (apiId != null && !apiId.matches("[0-9]{1,18}")) {
      in.problem("QIWI_API_ID", "must be the numeric API login");
    }
    if (prod) {
      return prvId == null || apiId == null || apiSecret == null
          ? null
          : new QiwiCredentials(prvId, apiId, apiSecret, in.optional("QIWI_SECRET_KEY"), notifyPassword);
    }
    return new QiwiCredentials(
        prvId == null ? DevDefaults.PRV_ID : prvId,
        apiId == null ? DevDefaults.API_ID : apiId,
        apiSecret == null ? DevDefaults.API_SECRET : apiSecret,
        in.optional("QIWI_SECRET_KEY"),
        notifyPassword == null ? DevDefaults.NOTIFY_PASSWORD : notifyPassword);
  }

  static NotifyAuthMode notifyAuth(SettingsReader in) {
    return in.parsed("QIWI_NOTIFY_AUTH", "signature", NotifyAuthMode::fromConfigName, "must be signature or basic");
  }
}
