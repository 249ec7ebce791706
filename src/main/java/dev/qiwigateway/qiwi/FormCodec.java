package dev.qiwigateway.qiwi;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code application/x-www-form-urlencoded} in UTF-8, keeping field order (signatures depend on values, not order). */
public final class FormCodec {

  private FormCodec() {
  }

  public static String encode(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> escape(e.getKey()) + "=" + escape(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  /**
   * Decodes a form body. A repeated field name or a malformed escape makes the whole body malformed:
   * a notification must not be able to smuggle two values for one signed field.
   *
   * @throws IllegalArgumentException when the body is not a well-formed form
   */
  public static Map<String, String> decode(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return fields;
    }
    for (String pair : body.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = unescape(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
      if (fields.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("field '" + name + "' appears twice");
      }
    }
    return fields;
  }

  private static String escape(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String unescape(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
