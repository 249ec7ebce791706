package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import dev.qiwigateway.sandbox.protocol.SandboxCredentials;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the sandbox can be told. Defaults are QIWI's rules with its timings compressed, so that a
 * test sees a whole retry schedule in seconds instead of QIWI's 24 hours.
 *
 * @param port              0 binds any free port (ask {@link SandboxVerticle#actualPort()})
 * @param notifyDialect     format of the notifications it sends (the API itself serves both dialects)
 * @param notifyAuth        pull-v2 only: signature or Basic authorization of notifications
 * @param notifyUrl         where notifications go; null sends none
 * @param notifyTimeout     how long one delivery attempt waits for the answer
 * @param refundSettleDelay a new refund stays {@code processing} this long, then turns {@code success}
 * @param clock             the sandbox's idea of now (lifetimes, payment dates); tests may move it
 * @param providerName      the shop's name in QIWI's settings: pull-v2 notifications always carry it as
 *                          {@code prv_name} (a bill issued with its own {@code prv_name} carries that one)
 */
public record SandboxSettings(
    String host,
    int port,
    SandboxCredentials credentials,
    Dialect notifyDialect,
    NotifyAuth notifyAuth,
    String notifyUrl,
    RetrySchedule notifyRetry,
    Duration notifyTimeout,
    Duration maxLifetime,
    Duration refundSettleDelay,
    Duration expirySweepInterval,
    BigDecimal minAmount,
    BigDecimal maxAmount,
    Set<String> currencies,
    Clock clock,
    String providerName) {

  /** What pull-v2 notifications name the shop when nothing else is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "Sandbox shop";

  /** QIWI gives up on a notification after 50 tries. */
  public static final int MAX_NOTIFY_ATTEMPTS = 50;

  /** QIWI refuses a lifetime more than 45 days ahead. */
  public static final Duration QIWI_MAX_LIFETIME = Duration.ofDays(45);

  /**
   * Back-off between notification attempts: the n-th retry waits initialDelay × multiplier^(n-1),
   * capped at maxDelay; maxAttempts counts the first attempt too.
   */
  public record RetrySchedule(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts) {

    public RetrySchedule {
      Objects.requireNonNull(initialDelay, "initialDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (initialDelay.isNegative() || initialDelay.isZero()) {
        throw new IllegalArgumentException("notification retry initial delay must be positive");
      }
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("notification retry multiplier must be at least 1");
      }
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException("notification retry max delay must not be below the initial delay");
      }
      if (maxAttempts < 1 || maxAttempts > MAX_NOTIFY_ATTEMPTS) {
        throw new IllegalArgumentException("notification max attempts must be 1.." + MAX_NOTIFY_ATTEMPTS);
      }
    }

    public static RetrySchedule compressed() {
      return new RetrySchedule(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), MAX_NOTIFY_ATTEMPTS);
    }

    /** Delay before attempt number {@code nextAttempt} (2 = the first retry). */
    public Duration delayBefore(int nextAttempt) {
      double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
      return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
    }
  }

  public SandboxSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(notifyDialect, "notifyDialect");
    Objects.requireNonNull(notifyAuth, "notifyAuth");
    Objects.requireNonNull(notifyRetry, "notifyRetry");
    Objects.requireNonNull(clock, "clock");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (notifyUrl != null) {
      requireHttpUrl(notifyUrl);
    }
    requirePositive(notifyTimeout, "notify timeout");
    requirePositive(maxLifetime, "max lifetime");
    if (maxLifetime.compareTo(QIWI_MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("max lifetime may not exceed QIWI's 45 days");
    }
    requirePositive(refundSettleDelay, "refund settle delay");
    requirePositive(expirySweepInterval, "expiry sweep interval");
    Objects.requireNonNull(minAmount, "minAmount");
    Objects.requireNonNull(maxAmount, "maxAmount");
    if (minAmount.signum() <= 0 || maxAmount.compareTo(minAmount) < 0) {
      throw new IllegalArgumentException("amount limits must satisfy 0 < min <= max");
    }
    currencies = Set.copyOf(Objects.requireNonNull(currencies, "currencies"));
    if (currencies.isEmpty() || !currencies.stream().allMatch(c -> c.matches("[A-Z]{3}"))) {
      throw new IllegalArgumentException("currencies must be non-empty ISO 4217 alpha-3 codes");
    }
    Objects.requireNonNull(providerName, "providerName");
    if (providerName.isBlank() || providerName.codePointCount(0, providerName.length()) > 100) {
      throw new IllegalArgumentException("provider name must be 1..100 characters");
    }
    boolean pullV2 = notifyDialect == Dialect.PULL_V2;
    if (pullV2 && notifyUrl != null && credentials.notifyPassword() == null) {
      throw new IllegalArgumentException("pull-v2 notifications need a notification password");
    }
  }

  public static SandboxSettings defaults(SandboxCredentials credentials) {
    return new SandboxSettings("127.0.0.1", 0, credentials, Dialect.REST_V3, NotifyAuth.SIGNATURE, null,
        RetrySchedule.compressed(), Duration.ofSeconds(2), QIWI_MAX_LIFETIME, Duration.ofSeconds(1),
        Duration.ofSeconds(1), new BigDecimal("1.00"), new BigDecimal("600000.00"), Set.of("RUB", "USD", "EUR"),
        Clock.systemUTC(), DEFAULT_PROVIDER_NAME);
  }

  public SandboxSettings withHost(String newHost) {
    return new SandboxSettings(newHost, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withPort(int newPort) {
    return new SandboxSettings(host, newPort, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  /** Where and how notifications go; a null url turns them off. */
  public SandboxSettings withNotifications(Dialect dialect, NotifyAuth auth, String url) {
    return new SandboxSettings(host, port, credentials, dialect, auth, url, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withNotifyRetry(RetrySchedule schedule) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, schedule,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withNotifyTimeout(Duration timeout) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        timeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withMaxLifetime(Duration lifetime) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, lifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withRefundSettleDelay(Duration delay) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, delay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withExpirySweepInterval(Duration interval) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, interval, minAmount, maxAmount, currencies, clock,
        providerName);
  }

  public SandboxSettings withAmountLimits(BigDecimal min, BigDecimal max) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, min, max, currencies, clock,
        providerName);
  }

  public SandboxSettings withCurrencies(Set<String> allowed) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, allowed, clock,
        providerName);
  }

  public SandboxSettings withClock(Clock newClock) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, newClock,
        providerName);
  }

  public SandboxSettings withProviderName(String name) {
    return new SandboxSettings(host, port, credentials, notifyDialect, notifyAuth, notifyUrl, notifyRetry,
        notifyTimeout, maxLifetime, refundSettleDelay, expirySweepInterval, minAmount, maxAmount, currencies, clock,
        name);
  }

  /** The settings as they may be printed: no secret, the notification target without user info. */
  @Override
  public String toString() {
    return "SandboxSettings[host=" + host + ", port=" + port + ", credentials=" + credentials
        + ", notifyDialect=" + notifyDialect + ", notifyAuth=" + notifyAuth.configName()
        + ", notifyUrl=" + (notifyUrl == null ? "none" : redactedUrl(notifyUrl)) + ", notifyRetry=" + notifyRetry
        + ", maxLifetime=" + maxLifetime + ", refundSettleDelay=" + refundSettleDelay
        + ", amounts=" + minAmount.toPlainString() + ".." + maxAmount.toPlainString() + ", currencies=" + currencies
        + ", providerName=" + providerName + "]";
  }

  static String redactedUrl(String url) {
    URI uri = URI.create(url);
    return uri.getUserInfo() == null ? url : url.replace(uri.getRawUserInfo() + "@", "***@");
  }

  private static void requireHttpUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("notification url is not a URL");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("notification url must be an absolute http(s) URL");
    }
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
