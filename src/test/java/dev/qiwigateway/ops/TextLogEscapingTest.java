package dev.qiwigateway.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The text format with logback.xml's own pattern: whatever a client sends, one event stays one line. */
class TextLogEscapingTest {

  private static final String FORGED = "2026-12-04T00:00:00.000Z ERROR [forged] dev.qiwigateway.bill - refund sent";

  private LoggerContext context;
  private LogFormatEncoder encoder;

  @BeforeEach
  void textEncoderAsConfigured() throws IOException {
    context = new LoggerContext();
    encoder = new LogFormatEncoder();
    encoder.setContext(context);
    encoder.setFormat("text");
    encoder.setPattern(productionPattern());
    encoder.start();
  }

  @Test
  @DisplayName("CR and LF in a message (a notification's field name) cannot start a forged line")
  void newlinesInMessage() {
    String line = encode(event("notification refused: unknown field x\r\n" + FORGED));

    assertThat(line).endsWith("\n");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r")
        .contains("unknown field x\\r\\n" + FORGED);
  }

  @Test
  @DisplayName("A quote in a key-value (an X-Request-Id) is escaped, so the value ends at its own closing quote")
  void quotesInValues() {
    LoggingEvent access = event("request completed");
    access.addKeyValuePair(new KeyValuePair("requestId", "a\" status=\"200"));
    access.addKeyValuePair(new KeyValuePair("status", 400));

    String line = encode(access);

    assertThat(line).contains("requestId=\"a\\\" status=\\\"200\"").contains("status=\"400\"");
  }

  @Test
  @DisplayName("Every other control character, DEL, C1, U+2028/9 and a lone surrogate are written as \\u escapes")
  void otherControls() {
    LoggingEvent hostile = event("a\u0000b\u001bc\u007fd\u0085e\u2028f\u2029g\ud800h\\i\tj");
    hostile.addKeyValuePair(new KeyValuePair("detail", "v\u000b\u000cw\u2028x"));

    String line = encode(hostile);

    assertThat(line).contains("a\\u0000b\\u001bc\\u007fd\\u0085e\\u2028f\\u2029g\\ud800h\\\\i\\tj")
        .contains("detail=\"v\\u000b\\u000cw\\u2028x\"");
    assertThat(line.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029))
        .containsExactly((int) '\n');
  }

  @Test
  @DisplayName("An exception message with a newline stays inside its stack trace; the frames are kept")
  void exceptionMessages() {
    LoggingEvent failed = new LoggingEvent(Logger.class.getName(), context.getLogger("dev.qiwigateway.http.Problem"),
        Level.ERROR, "request failed unexpectedly", new IllegalStateException("bad\n" + FORGED), null);

    String text = encode(failed);

    assertThat(text.lines()).noneMatch(line -> line.startsWith("2026-12-04T00:00:00.000Z"));
    assertThat(text).contains("java.lang.IllegalStateException: bad\\n" + FORGED)
        .contains("at dev.qiwigateway.ops.TextLogEscapingTest.exceptionMessages");
  }

  @Test
  @DisplayName("Ordinary text is written unchanged")
  void ordinaryText() {
    LoggingEvent issued = event("bill issued");
    issued.addKeyValuePair(new KeyValuePair("billId", "order-1842"));
    issued.addKeyValuePair(new KeyValuePair("comment", "Заказ №5 — 2 шт."));

    assertThat(encode(issued)).contains(" - bill issued ").contains("billId=\"order-1842\"")
        .contains("comment=\"Заказ №5 — 2 шт.\"");
  }

  private LoggingEvent event(String message) {
    return new LoggingEvent(Logger.class.getName(), context.getLogger("dev.qiwigateway.notification.NotificationRoutes"),
        Level.WARN, message, null, null);
  }

  private String encode(LoggingEvent event) {
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  private static String productionPattern() throws IOException {
    try (InputStream xml = TextLogEscapingTest.class.getResourceAsStream("/logback.xml")) {
      Matcher pattern = Pattern.compile("<pattern>(.*?)</pattern>").matcher(new String(xml.readAllBytes(),
          StandardCharsets.UTF_8));
      assertThat(pattern.find()).isTrue();
      return pattern.group(1);
    }
  }
}
