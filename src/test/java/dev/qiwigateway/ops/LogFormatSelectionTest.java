package dev.qiwigateway.ops;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Runs the production logback.xml in a child JVM, where the environment can be chosen. */
class LogFormatSelectionTest {

  private static final String LOG_FORMAT = "LOG_FORMAT";

  @Test
  @DisplayName("With LOG_FORMAT=json every console line of the gateway is a JSON object with its key-values")
  void jsonWhenAsked() throws Exception {
    List<String> lines = runProbe("json");

    assertThat(lines).hasSize(2);
    lines.forEach(line -> assertThatCode(() -> new JsonObject(line)).as(line).doesNotThrowAnyException());
    JsonObject issued = new JsonObject(lines.get(0));
    assertThat(issued.getString("msg")).isEqualTo("bill issued");
    assertThat(issued.getString("billId")).isEqualTo("order-1842");
    assertThat(issued.getString("amount")).isEqualTo("1499.00");
    JsonObject failed = new JsonObject(lines.get(1));
    assertThat(failed.getString("level")).isEqualTo("ERROR");
    assertThat(failed.getJsonObject("error").getString("class")).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  @DisplayName("Without LOG_FORMAT the console shows readable text with the key-values visible, library chatter left out")
  void textByDefault() throws Exception {
    List<String> lines = runProbe(null);

    assertThat(lines).noneMatch(line -> line.startsWith("{"));
    assertThat(lines.get(0)).contains("INFO").contains("bill issued")
        .contains("billId=\"order-1842\"").contains("amount=\"1499.00\"");
    assertThat(lines.get(1)).contains("ERROR").contains("bill issue failed").contains("billId=\"order-1842\"");
    assertThat(String.join("\n", lines))
        .contains("java.lang.IllegalStateException: QIWI unreachable")
        .contains("at dev.qiwigateway.ops.LogFormatProbe.main")
        .doesNotContain("netty chatter")
        .doesNotContain("postgres chatter");
  }

  @Test
  @DisplayName("The format name is case-insensitive, and an unknown one falls back to text instead of silence")
  void caseAndUnknownValues() throws Exception {
    assertThat(runProbe("JSON")).hasSize(2).allMatch(line -> line.startsWith("{"));
    assertThat(runProbe("yaml")).anyMatch(line -> line.contains("bill issued") && !line.startsWith("{"));
  }

  private static List<String> runProbe(String logFormat) throws IOException, InterruptedException, URISyntaxException {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path logbackXml = Path.of(LogFormatProbe.class.getResource("/logback.xml").toURI());
    ProcessBuilder builder = new ProcessBuilder(javaBin.toString(),
        "-Dlogback.configurationFile=" + logbackXml,
        "-cp", System.getProperty("java.class.path"),
        LogFormatProbe.class.getName())
        .redirectErrorStream(true);
    if (logFormat == null) {
      builder.environment().remove(LOG_FORMAT);
    } else {
      builder.environment().put(LOG_FORMAT, logFormat);
    }
    Process probe = builder.start();
    byte[] output = probe.getInputStream().readAllBytes();
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(probe.exitValue()).isZero();
    List<String> lines = new ArrayList<>();
    for (String line : new String(output, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }
}
