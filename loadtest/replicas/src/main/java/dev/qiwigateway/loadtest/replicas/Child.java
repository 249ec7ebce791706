package dev.qiwigateway.loadtest.replicas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process: the sandbox or a gateway replica. Its output is appended to logs/NAME.log and its pid
 * written to pids/NAME.pid, which run.sh SIGKILLs on exit should the driver not have stopped it.
 */
final class Child {

  final String name;
  final int httpPort;
  final int managementPort;
  final String readyUrl;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path logFile;
  private final Path pidFile;
  volatile Process process;
  /** Set by the scenario once the replica is ready; the proxy also avoids it briefly after a refused connect. */
  volatile boolean routable;
  volatile long avoidUntil;

  Child(String name, int httpPort, int managementPort, String readyUrl, List<String> command,
      Map<String, String> env, Path work) {
    this.name = name;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.readyUrl = readyUrl;
    this.command = command;
    this.env = env;
    this.logFile = work.resolve("logs").resolve(name + ".log");
    this.pidFile = work.resolve("pids").resolve(name + ".pid");
  }

  void start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Files.writeString(logFile, "==== start " + Instant.now() + "\n", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    process = builder.start();
    Files.writeString(pidFile, process.pid() + "\n");
  }

  boolean awaitReady(Http http, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      if (http.get(readyUrl, Duration.ofSeconds(2)).status() == 200) {
        return true;
      }
      Util.sleep(250);
    }
    return false;
  }

  boolean available() {
    return routable && System.currentTimeMillis() >= avoidUntil;
  }

  void sigkill() throws InterruptedException {
    routable = false;
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM; the exit code, or null when it did not exit in time (then it is SIGKILLed). */
  Integer sigterm(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      return null;
    }
    return process.exitValue();
  }
}
