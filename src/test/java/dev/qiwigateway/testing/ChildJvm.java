package dev.qiwigateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway process of its own, on this test run's classpath: for what only a real process shows
 * (exit codes, SIGTERM, what reaches stdout). Its output goes to a file under target/ so a test can
 * read it while the process runs and the secret-leak check can scan it afterwards.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path output;

  private ChildJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  public static ChildJvm start(String name, Class<?> mainClass, Map<String, String> env, String... args) throws IOException {
    Path dir = Path.of("target", "test-logs");
    Files.createDirectories(dir);
    Path output = dir.resolve("child-" + name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    // Only what the test names: a developer's own QIWI_* or PG_URL must not leak into the child.
    builder.environment().keySet().removeIf(key -> !key.equals("PATH") && !key.equals("HOME") && !key.equals("TMPDIR"));
    builder.environment().putAll(env);
    return new ChildJvm(builder.start(), output);
  }

  public int waitForExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not exit within " + limit + "; output:\n" + output());
    }
    return process.exitValue();
  }

  /** Waits until the output contains the text (polling a file: this is a test thread, not an event loop). */
  public void awaitOutput(String text, Duration limit) throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (!output().contains(text)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("no '" + text + "' in the output; output:\n" + output());
      }
      Thread.sleep(100);
    }
  }

  /** SIGTERM, as Kubernetes sends it. */
  public void terminate() {
    process.destroy();
  }

  public String output() {
    try {
      return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
