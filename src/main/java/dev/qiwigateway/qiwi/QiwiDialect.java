package dev.qiwigateway.qiwi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The two generations of the QIWI bill API that the gateway speaks (docs/qiwi.md#dialects). */
public enum QiwiDialect {
  REST_V3("rest-v3"),
  PULL_V2("pull-v2");

  private final String configName;

  QiwiDialect(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static QiwiDialect fromConfigName(String name) {
    return Arrays.stream(values())
        .filter(d -> d.configName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("expected rest-v3 or pull-v2, got '" + name + "'"));
  }

  /** Path of a bill resource; every id is percent-encoded as a path segment, whatever its pattern allows. */
  public String billPath(String prvId, String billId) {
    return switch (this) {
      case REST_V3 -> "/api/v3/prv/bills/" + segment(billId);
      case PULL_V2 -> "/api/v2/prv/" + segment(prvId) + "/bills/" + segment(billId);
    };
  }

  public String refundPath(String prvId, String billId, String refundId) {
    return billPath(prvId, billId) + "/refund/" + segment(refundId);
  }

  /** RFC 3986 path segment: unreserved characters stay, everything else (spaces included) is %XX of UTF-8. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }

  @Override
  public String toString() {
    return configName;
  }
}
