package dev.qiwigateway.config;

/**
 * Values the dev profile uses when nothing is configured. The QIWI credentials are the protocol
 * document's published test vector, so they are not secrets; the prod profile never falls back to them.
 */
public final class DevDefaults {

  public static final String PRV_ID = "2042";
  public static final String API_ID = "23244123";
  public static final String API_SECRET = "453Fdgd443";
  public static final String NOTIFY_PASSWORD = "test";
  /** The dev merchant's bearer token; config holds only its SHA-256 digest, like any other token. */
  public static final String MERCHANT_ID = "dev-shop";
  public static final String MERCHANT_TOKEN = "dev-token-change-me";

  private DevDefaults() {
  }
}
