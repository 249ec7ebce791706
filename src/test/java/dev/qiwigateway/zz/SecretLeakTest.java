package dev.qiwigateway.zz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.TestSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last (see junit-platform.properties): every log line this test run wrote, in this JVM and in
 * the child gateway processes, is searched for the secrets the tests configured.
 */
@Order(Integer.MAX_VALUE)
class SecretLeakTest {

  @Test
  @DisplayName("no secret value appears in any log line of the test run")
  void noSecretInAnyLog() throws IOException {
    List<Path> logs = new ArrayList<>();
    for (Path dir : List.of(Path.of("target", "test-logs"), Path.of("target", "surefire-reports"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith("-output.txt")).forEach(logs::add);
        }
      }
    }
    assertThat(logs).as("log files of this run").isNotEmpty();
    long lines = 0;
    for (Path log : logs) {
      List<String> content = Files.readAllLines(log, StandardCharsets.UTF_8);
      lines += content.size();
      for (String line : content) {
        for (String secret : TestSecrets.all()) {
          assertThat(line).as("a line of %s", log).doesNotContain(secret);
        }
      }
    }
    assertThat(lines).as("log lines scanned").isPositive();
  }
}
