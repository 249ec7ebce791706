package dev.qiwigateway.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogEncoderTest {

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private LoggerContext context;
  private Logger log;

  @BeforeEach
  void loggerWritingJson() {
    context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(written);
    appender.start();
    log = context.getLogger("dev.qiwigateway.bill.BillService");
    log.addAppender(appender);
  }

  @AfterEach
  void stopLogging() {
    context.stop();
  }

  @Test
  @DisplayName("A bill log line carries time, level, logger, thread, message, key-values and MDC as JSON fields")
  void fieldsOfOneLine() {
    context.getMDCAdapter().put("merchant", "marketplace-1");
    Instant before = Instant.now();
    log.atInfo()
        .addKeyValue("billId", "order-1842")
        .addKeyValue("attempt", 3)
        .addKeyValue("amount", new BigDecimal("1499.00"))
        .addKeyValue("final", true)
        .addKeyValue("providerCode", (Object) null)
        .addKeyValue("ratio", 0.25)
        .addKeyValue("notANumber", Double.NaN)
        .log("bill {} issued", "order-1842");
    context.getMDCAdapter().clear();

    List<String> lines = lines();
    assertThat(lines).hasSize(1);
    JsonObject json = new JsonObject(lines.get(0));
    assertThat(json.getString("ts")).endsWith("Z");
    assertThat(Instant.parse(json.getString("ts"))).isAfterOrEqualTo(before.minusMillis(1));
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("logger")).isEqualTo("dev.qiwigateway.bill.BillService");
    assertThat(json.getString("thread")).isEqualTo(Thread.currentThread().getName());
    assertThat(json.getString("msg")).isEqualTo("bill order-1842 issued");
    assertThat(json.getString("billId")).isEqualTo("order-1842");
    assertThat(json.getValue("attempt")).isEqualTo(3);
    assertThat(json.getValue("amount")).isEqualTo("1499.00");
    assertThat(json.getValue("final")).isEqualTo(true);
    assertThat(json.containsKey("providerCode")).isTrue();
    assertThat(json.getValue("providerCode")).isNull();
    assertThat(json.getDouble("ratio")).isEqualTo(0.25);
    assertThat(json.getValue("notANumber")).isEqualTo("NaN");
    assertThat(json.getString("merchant")).isEqualTo("marketplace-1");
    assertThat(json.containsKey("error")).isFalse();
  }

  @Test
  @DisplayName("Quotes, backslashes, control characters, line breaks and any Unicode in a comment survive as one JSON line")
  void escaping() {
    String comment = "Заказ \"№1842\" \\ C:\\path\nline2\r\ttab \u0000\u0001\u001f\u007f \u2028\u2029 💳 €";
    String loneSurrogate = "half \ud83d of an emoji";
    log.atWarn()
        .addKeyValue("comment", comment)
        .addKeyValue("key with \"quotes\"\n", "v")
        .addKeyValue("broken", loneSurrogate)
        .log(comment);

    List<String> lines = lines();
    assertThat(lines).hasSize(1);
    JsonObject json = new JsonObject(lines.get(0));
    assertThat(json.getString("msg")).isEqualTo(comment);
    assertThat(json.getString("comment")).isEqualTo(comment);
    assertThat(json.getString("key with \"quotes\"\n")).isEqualTo("v");
    assertThat(json.getString("broken")).isEqualTo(loneSurrogate);
    assertThat(lines.get(0)).contains("💳").contains("Заказ").doesNotContain("\u2028");
  }

  @Test
  @DisplayName("A failure is logged with its class, message and whole stack, causes included, still on one line")
  void errorField() {
    Exception cause = new java.net.ConnectException("Connection refused");
    Exception failure = new IllegalStateException("QIWI unreachable\nafter 3 attempts", cause);
    log.atError().addKeyValue("billId", "order-1842").setCause(failure).log("bill issue failed");

    List<String> lines = lines();
    assertThat(lines).hasSize(1);
    JsonObject json = new JsonObject(lines.get(0));
    JsonObject error = json.getJsonObject("error");
    assertThat(error.getString("class")).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.getString("message")).isEqualTo("QIWI unreachable\nafter 3 attempts");
    assertThat(error.getString("stack"))
        .contains("JsonLogEncoderTest.errorField")
        .contains("Caused by: java.net.ConnectException: Connection refused");
    assertThat(json.getString("level")).isEqualTo("ERROR");
    assertThat(json.getString("billId")).isEqualTo("order-1842");
  }

  @Test
  @DisplayName("A key-value that repeats a standard field or an earlier key is dropped, so no name appears twice")
  void noDuplicateNames() {
    context.getMDCAdapter().put("billId", "from-mdc");
    log.atInfo()
        .addKeyValue("msg", "spoofed")
        .addKeyValue("level", "DEBUG")
        .addKeyValue("billId", "first")
        .addKeyValue("billId", "second")
        .log("refund recorded");
    context.getMDCAdapter().clear();

    String line = lines().get(0);
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("msg")).isEqualTo("refund recorded");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("billId")).isEqualTo("first");
    assertThat(line).containsOnlyOnce("\"msg\":").containsOnlyOnce("\"level\":").containsOnlyOnce("\"billId\":");
  }

  @Test
  @DisplayName("Each event is its own line, so a log shipper can split the stream on newlines")
  void oneObjectPerLine() {
    log.info("first");
    log.info("second\nwith a newline inside");
    log.info("third");

    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(lines).extracting(line -> new JsonObject(line).getString("msg"))
        .containsExactly("first", "second\nwith a newline inside", "third");
  }

  private List<String> lines() {
    String text = written.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return List.of(text.split("\n"));
  }
}
