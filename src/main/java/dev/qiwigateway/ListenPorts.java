package dev.qiwigateway;

import dev.qiwigateway.config.GatewayConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports a gateway is about to listen on, tried before anything else starts: a port that is taken
 * stops start-up at once, naming the port and the setting that moves it, instead of after the database
 * has been started and migrated. Binds are blocking calls: run this on the main thread, never an event loop.
 */
final class ListenPorts {

  /** A port the gateway could not bind; {@link #getMessage()} is the operator's whole explanation. */
  static final class Unavailable extends RuntimeException {

    private final List<String> problems;

    Unavailable(List<String> problems) {
      super(String.join("; ", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    List<String> problems() {
      return problems;
    }
  }

  private record Wanted(String setting, String hostSetting, String host, int port) {
  }

  private ListenPorts() {
  }

  /** Throws {@link Unavailable} naming every configured port that cannot be bound now; port 0 is never checked. */
  static void check(GatewayConfig config) {
    List<Wanted> wanted = new ArrayList<>();
    wanted.add(new Wanted("HTTP_PORT", "HTTP_HOST", config.httpHost(), config.httpPort()));
    wanted.add(new Wanted("MANAGEMENT_PORT", "MANAGEMENT_HOST", config.managementHost(), config.managementPort()));
    if (GatewayApp.runsSandbox(config)) {
      wanted.add(new Wanted("SANDBOX_PORT", null, GatewayApp.SANDBOX_HOST, config.sandboxPort()));
    }
    List<String> problems = new ArrayList<>();
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (Wanted port : wanted) {
        if (port.port() == 0) {
          continue;
        }
        // Held until every port is tried, so two settings naming one port are caught as well.
        ServerSocket socket = new ServerSocket();
        held.add(socket);
        try {
          socket.setReuseAddress(true);
          socket.bind(new InetSocketAddress(port.host(), port.port()));
        } catch (BindException e) {
          problems.add(port.setting() + ": port " + port.port() + " on " + port.host()
              + " is already in use; stop what holds it or set " + port.setting() + " to a free port");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
          problems.add(port.setting() + ": cannot listen on " + port.host() + ":" + port.port()
              + (port.hostSetting() == null ? "" : "; check " + port.hostSetting()) + " (" + e.getMessage() + ")");
        }
      }
    } catch (IOException e) {
      problems.add("cannot open a socket to check the ports (" + e.getMessage() + ")");
    } finally {
      held.forEach(ListenPorts::closeQuietly);
    }
    if (!problems.isEmpty()) {
      throw new Unavailable(problems);
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // only a probe: nothing to release beyond the descriptor
    }
  }
}
