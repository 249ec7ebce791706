package dev.qiwigateway.ops;

/**
 * Escaping for the text log format: one event must stay one line, and a value must end where its
 * closing quote is. Whatever a client sends (a notification's field name, a request id, a header)
 * can reach a message or a key-value, so the encoder escapes every one rather than trusting callers:
 * CR, LF and tab as {@code \r \n \t}, other C0 controls, DEL, C1 controls, U+2028/U+2029 and lone
 * surrogates as {@code \}{@code uXXXX}, and {@code "} and {@code \} with a backslash.
 */
final class LogText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogText() {
  }

  static String escape(String text) {
    if (text == null || isClean(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (needsUnicodeEscape(text, i)) {
            out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static boolean isClean(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || needsUnicodeEscape(text, i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean needsUnicodeEscape(String text, int i) {
    char c = text.charAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
