package dev.qiwigateway.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qiwigateway.testing.GatewayHarness;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** HTTP_HOST and MANAGEMENT_HOST are the addresses bound, not just what the start-up line says. */
class ListenAddressTest {

  @Test
  @DisplayName("with HTTP_HOST and MANAGEMENT_HOST 127.0.0.1 neither port answers on the machine's other address")
  void bindsOnlyTheConfiguredAddress() throws Exception {
    Optional<InetAddress> other = nonLoopbackAddress();
    Assumptions.assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
    GatewayHarness.TestGateway gateway = GatewayHarness.start(GatewayHarness.settings("listen-address")
            .put("HTTP_HOST", "127.0.0.1").put("MANAGEMENT_HOST", "127.0.0.1"))
        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    try {
      int http = gateway.running().httpPort();
      int management = gateway.running().managementPort();
      assertThat(gateway.running().services().config().managementHost()).isEqualTo("127.0.0.1");
      connect(InetAddress.getLoopbackAddress(), http);
      connect(InetAddress.getLoopbackAddress(), management);
      assertThatThrownBy(() -> connect(other.get(), http)).as("HTTP port on %s", other.get())
          .isInstanceOf(ConnectException.class);
      assertThatThrownBy(() -> connect(other.get(), management)).as("management port on %s", other.get())
          .isInstanceOf(ConnectException.class);
    } finally {
      gateway.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** A plain connect on the test thread (never an event loop): refused when nothing listens there. */
  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 5000);
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
