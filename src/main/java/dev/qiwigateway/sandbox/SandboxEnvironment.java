package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import dev.qiwigateway.sandbox.protocol.SandboxCredentials;
import java.util.Map;
import java.util.function.Function;

/**
 * The standalone sandbox's settings from environment variables. Defaults are the protocol's public test
 * credentials, so that {@code java -jar qiwi-gateway.jar sandbox} works out of the box; a bad value
 * fails with a message naming the variable and never echoing a secret.
 */
final class SandboxEnvironment {

  static final String DEFAULT_PRV_ID = "2042";
  static final String DEFAULT_API_ID = "23244123";
  static final String DEFAULT_API_SECRET = "453Fdgd443";
  static final String DEFAULT_NOTIFY_PASSWORD = "test";
  static final int DEFAULT_PORT = 8090;

  private SandboxEnvironment() {
  }

  /** @throws IllegalArgumentException naming the variable that is wrong */
  static SandboxSettings settings(Map<String, String> env) {
    Function<String, String> get = name -> {
      String value = env.get(name);
      return value == null || value.isBlank() ? null : value.trim();
    };
    String prvId = numeric("QIWI_PRV_ID", orDefault(get.apply("QIWI_PRV_ID"), DEFAULT_PRV_ID));
    String apiId = numeric("QIWI_API_ID", orDefault(get.apply("QIWI_API_ID"), DEFAULT_API_ID));
    SandboxCredentials credentials = new SandboxCredentials(prvId, apiId,
        orDefault(get.apply("QIWI_API_SECRET"), DEFAULT_API_SECRET), get.apply("QIWI_SECRET_KEY"),
        orDefault(get.apply("QIWI_NOTIFY_PASSWORD"), DEFAULT_NOTIFY_PASSWORD), get.apply("QIWI_PUBLIC_KEY"));
    Dialect dialect = named("QIWI_DIALECT", get.apply("QIWI_DIALECT"), Dialect.REST_V3,
        Dialect::fromConfigName);
    NotifyAuth auth = named("QIWI_NOTIFY_AUTH", get.apply("QIWI_NOTIFY_AUTH"), NotifyAuth.SIGNATURE,
        NotifyAuth::fromConfigName);
    SandboxSettings settings = SandboxSettings.defaults(credentials)
        .withHost(orDefault(get.apply("SANDBOX_HOST"), "127.0.0.1"))
        .withPort(port(get.apply("SANDBOX_PORT")))
        .withProviderName(providerName(get.apply("SANDBOX_PRV_NAME")));
    try {
      return settings.withNotifications(dialect, auth, get.apply("SANDBOX_NOTIFY_URL"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SANDBOX_NOTIFY_URL: " + e.getMessage());
    }
  }

  private static String providerName(String value) {
    if (value != null && value.codePointCount(0, value.length()) > 100) {
      throw new IllegalArgumentException("SANDBOX_PRV_NAME must be at most 100 characters");
    }
    return orDefault(value, SandboxSettings.DEFAULT_PROVIDER_NAME);
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static String numeric(String name, String value) {
    if (!value.matches("[0-9]{1,20}")) {
      throw new IllegalArgumentException(name + " must be numeric");
    }
    return value;
  }

  private static int port(String value) {
    if (value == null) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException notANumber) {
      // same message as out of range
    }
    throw new IllegalArgumentException("SANDBOX_PORT must be a port number 0..65535, got '" + value + "'");
  }

  private static <T> T named(String name, String value, T fallback, Function<String, T> parse) {
    if (value == null) {
      return fallback;
    }
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage());
    }
  }
}
