package dev.qiwigateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/**
 * The options that only print: {@code --help} and {@code --version}. Everything else the gateway
 * reads from its settings (docs/api.md#configuration), so any other argument is a mistake, answered
 * with the usage and exit code 2 rather than ignored.
 */
final class CommandLine {

  static final String USAGE = String.join("\n",
      "Usage: java -jar qiwi-gateway.jar [sandbox | --help | --version]",
      "",
      "  (no argument)  run the gateway; GATEWAY_PROFILE=dev (the default) starts an embedded",
      "                 PostgreSQL and the built-in QIWI sandbox, prod needs its required settings",
      "  sandbox        run the QIWI sandbox alone (SANDBOX_HOST, SANDBOX_PORT)",
      "  --help, -h     print this text and exit",
      "  --version      print the version and exit",
      "",
      "Settings are environment variables (or CONFIG_FILE), see docs/api.md#configuration; the main ones:",
      "  HTTP_HOST, HTTP_PORT              merchant API and QIWI notifications (0.0.0.0, 8080)",
      "  MANAGEMENT_HOST, MANAGEMENT_PORT  health, metrics, OpenAPI (0.0.0.0, 9090)",
      "  SANDBOX_PORT                      dev: the built-in sandbox (8090, on 127.0.0.1)",
      "  PG_URL, QIWI_BASE_URL, API_TOKENS required in prod",
      "",
      "Exit codes: 0 after a clean drain on SIGTERM or Ctrl-C; 1 when start-up or the drain failed;",
      "2 for a configuration error, a port already in use or an unknown argument.");

  private static final String VERSION_RESOURCE = "version.properties";

  private CommandLine() {
  }

  /** Handles the printing options; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return 0;
    }
    if (args.length == 1 && args[0].equals("--version")) {
      out.println("qiwi-gateway " + version());
      return 0;
    }
    err.println("unknown arguments: " + String.join(" ", args));
    err.println(USAGE);
    return 2;
  }

  /** The project version Maven wrote into the build (a filtered resource), else the jar manifest's. */
  static String version() {
    try (InputStream in = CommandLine.class.getResourceAsStream(VERSION_RESOURCE)) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null && !version.isBlank() && !version.startsWith("${")) {
          return version;
        }
      }
    } catch (IOException ignored) {
      // fall back to the manifest
    }
    String fromManifest = CommandLine.class.getPackage().getImplementationVersion();
    return fromManifest == null ? "unknown" : fromManifest;
  }
}
