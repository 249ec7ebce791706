package dev.qiwigateway.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import org.slf4j.event.KeyValuePair;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Logback encoder writing one JSON object per line: {@code ts} (ISO-8601 UTC), {@code level},
 * {@code logger}, {@code thread}, {@code msg}, each SLF4J key-value pair and MDC entry as a field
 * of its own, and {@code error} ({@code class}, {@code message}, {@code stack}) for a throwable.
 * A key that repeats a field already written is dropped, so the line never holds duplicate names.
 * Decimal values are written as strings: log shippers would otherwise read amounts as doubles.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {

  private static final byte[] NO_BYTES = new byte[0];
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  @Override
  public byte[] headerBytes() {
    return NO_BYTES;
  }

  @Override
  public byte[] footerBytes() {
    return NO_BYTES;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Line line = new Line();
    line.field("ts", DateTimeFormatter.ISO_INSTANT.format(event.getInstant()));
    line.field("level", event.getLevel().toString());
    line.field("logger", event.getLoggerName());
    line.field("thread", event.getThreadName());
    line.field("msg", event.getFormattedMessage());
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(pair -> line.field(pair.key, pair.value));
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach(line::field);
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.error(error);
    }
    return line.end().getBytes(StandardCharsets.UTF_8);
  }

  /** One JSON object under construction; remembers names so that none is written twice. */
  private static final class Line {
    private final StringBuilder json = new StringBuilder(256).append('{');
    private final Set<String> names = new HashSet<>();

    void field(String name, Object value) {
      if (name == null || !names.add(name)) {
        return;
      }
      if (names.size() > 1) {
        json.append(',');
      }
      string(name);
      json.append(':');
      value(value);
    }

    void error(IThrowableProxy error) {
      if (!names.add("error")) {
        return;
      }
      json.append(",\"error\":{\"class\":");
      string(error.getClassName());
      json.append(",\"message\":");
      value(error.getMessage());
      json.append(",\"stack\":");
      string(ThrowableProxyUtil.asString(error));
      json.append('}');
    }

    String end() {
      return json.append('}').append('\n').toString();
    }

    private void value(Object value) {
      if (value == null) {
        json.append("null");
      } else if (value instanceof Boolean
          || value instanceof Integer || value instanceof Long || value instanceof Short
          || value instanceof Byte || value instanceof BigInteger) {
        json.append(value);
      } else if (value instanceof Double || value instanceof Float) {
        double number = ((Number) value).doubleValue();
        if (Double.isFinite(number)) {
          json.append(value);
        } else {
          string(value.toString());
        }
      } else if (value instanceof BigDecimal decimal) {
        string(decimal.toPlainString());
      } else {
        string(value.toString());
      }
    }

    private void string(String text) {
      json.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> json.append("\\\"");
          case '\\' -> json.append("\\\\");
          case '\n' -> json.append("\\n");
          case '\r' -> json.append("\\r");
          case '\t' -> json.append("\\t");
          case '\b' -> json.append("\\b");
          case '\f' -> json.append("\\f");
          default -> {
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || isLoneSurrogate(text, i)) {
              unicodeEscape(c);
            } else {
              json.append(c);
            }
          }
        }
      }
      json.append('"');
    }

    /** A half of a surrogate pair without its other half would not survive UTF-8 encoding. */
    private static boolean isLoneSurrogate(String text, int i) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
      }
      if (Character.isLowSurrogate(c)) {
        return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
      }
      return false;
    }

    private void unicodeEscape(char c) {
      json.append("\\u")
          .append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
          .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
  }
}
