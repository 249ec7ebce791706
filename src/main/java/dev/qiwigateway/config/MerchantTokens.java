package dev.qiwigateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens of the merchant API, held only as SHA-256 digests (API_TOKENS). Looking a presented
 * token up by its digest means the comparison never runs over the secret itself.
 */
public final class MerchantTokens {

  private final Map<String, String> merchantByDigest;

  private MerchantTokens(Map<String, String> merchantByDigest) {
    this.merchantByDigest = Map.copyOf(merchantByDigest);
  }

  static MerchantTokens read(SettingsReader in, boolean prod) {
    List<String> pairs = in.list("API_TOKENS", null);
    if (pairs.isEmpty()) {
      if (prod) {
        in.problem("API_TOKENS", "required but not set");
      }
      return prod ? new MerchantTokens(Map.of())
          : new MerchantTokens(Map.of(sha256Hex(DevDefaults.MERCHANT_TOKEN), DevDefaults.MERCHANT_ID));
    }
    Map<String, String> byDigest = new LinkedHashMap<>();
    for (String pair : pairs) {
      int colon = pair.lastIndexOf(':');
      String merchant = colon < 0 ? "" : pair.substring(0, colon);
      String digest = colon < 0 ? "" : pair.substring(colon + 1).toLowerCase(java.util.Locale.ROOT);
      if (!merchant.matches("[A-Za-z0-9._-]{1,64}") || !digest.matches("[0-9a-f]{64}")) {
        in.problem("API_TOKENS", "each entry must be merchantId:sha256hex (64 hex digits)");
      } else if (byDigest.putIfAbsent(digest, merchant) != null) {
        in.problem("API_TOKENS", "the same token digest is listed twice");
      }
    }
    return new MerchantTokens(byDigest);
  }

  public static MerchantTokens of(Map<String, String> tokenToMerchant) {
    Map<String, String> byDigest = new LinkedHashMap<>();
    tokenToMerchant.forEach((token, merchant) -> byDigest.put(sha256Hex(token), merchant));
    return new MerchantTokens(byDigest);
  }

  /** The merchant a presented bearer token belongs to. */
  public Optional<String> merchantFor(String presentedToken) {
    if (presentedToken == null || presentedToken.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(merchantByDigest.get(sha256Hex(presentedToken)));
  }

  public List<String> merchantIds() {
    return merchantByDigest.values().stream().distinct().sorted().toList();
  }

  public static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "MerchantTokens" + merchantIds();
  }
}
