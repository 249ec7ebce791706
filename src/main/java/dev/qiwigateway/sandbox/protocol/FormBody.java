package dev.qiwigateway.sandbox.protocol;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * {@code application/x-www-form-urlencoded} in UTF-8, read as strictly as QIWI reads it: text beyond
 * printable ASCII must arrive percent-encoded, every escape must be two hex digits, the bytes must be
 * UTF-8, and a name may appear once (a second value for a signed field would make two readings possible).
 */
public final class FormBody {

  private FormBody() {
  }

  /** The fields in their order of appearance; empty when the body is not such a form. */
  public static Optional<Map<String, String>> decode(byte[] body) {
    Map<String, String> fields = new LinkedHashMap<>();
    int start = 0;
    while (start <= body.length) {
      int end = indexOf(body, (byte) '&', start, body.length);
      if (end > start) {
        int eq = indexOf(body, (byte) '=', start, end);
        boolean hasValue = eq < end;
        Optional<String> name = unescape(body, start, hasValue ? eq : end);
        Optional<String> value = hasValue ? unescape(body, eq + 1, end) : Optional.of("");
        if (name.isEmpty() || value.isEmpty() || fields.putIfAbsent(name.get(), value.get()) != null) {
          return Optional.empty();
        }
      }
      start = end + 1;
    }
    return Optional.of(fields);
  }

  public static Optional<Map<String, String>> decode(String body) {
    return decode(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }

  /** Names and values percent-encoded as UTF-8, joined in the map's order. */
  public static String encode(Map<String, String> fields) {
    StringJoiner body = new StringJoiner("&");
    fields.forEach((name, value) -> body.add(escape(name) + "=" + escape(value)));
    return body.toString();
  }

  private static String escape(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** Index of the byte in [from, to), or {@code to} when it is not there. */
  private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return to;
  }

  private static Optional<String> unescape(byte[] body, int from, int to) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '%') {
        if (i + 2 >= to) {
          return Optional.empty();
        }
        int high = Character.digit(body[i + 1], 16);
        int low = Character.digit(body[i + 2], 16);
        if (high < 0 || low < 0) {
          return Optional.empty();
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (b == '+') {
        bytes.write(' ');
      } else if (b < 0x20 || b == 0x7f) {
        // A negative byte is beyond ASCII: raw UTF-8 is not how a form carries text.
        return Optional.empty();
      } else {
        bytes.write(b);
      }
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString());
    } catch (CharacterCodingException notUtf8) {
      return Optional.empty();
    }
  }
}
