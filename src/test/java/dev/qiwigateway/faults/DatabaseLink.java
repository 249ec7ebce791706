package dev.qiwigateway.faults;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network between the gateway and its PostgreSQL, as a test controls it: a TCP proxy on port 0
 * that can be cut (every open connection dropped, every new one closed as soon as it is accepted) and
 * healed again, without restarting either side.
 */
final class DatabaseLink {

  private final Vertx vertx;
  private final String databaseHost;
  private final int databasePort;
  /** Every socket of the proxy, both sides of every connection. */
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private NetServer server;
  private NetClient client;

  DatabaseLink(Vertx vertx, String databaseHost, int databasePort) {
    this.vertx = vertx;
    this.databaseHost = databaseHost;
    this.databasePort = databasePort;
  }

  Future<DatabaseLink> start() {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(this::accept);
    return server.listen(0, "127.0.0.1").map(this);
  }

  int port() {
    return server.actualPort();
  }

  /** Drops every connection now and refuses new ones until {@link #heal()}. */
  Future<Void> cut() {
    cut = true;
    return closeAll();
  }

  /** New connections are forwarded again. */
  Future<Void> heal() {
    cut = false;
    return Future.succeededFuture();
  }

  Future<Void> close() {
    cut = true;
    return Future.join(closeAll(), server == null ? Future.succeededFuture() : server.close(),
            client == null ? Future.succeededFuture() : client.close())
        .transform(done -> Future.succeededFuture());
  }

  private Future<Void> closeAll() {
    List<Future<Void>> closed = List.copyOf(open).stream().map(NetSocket::close).toList();
    return Future.join(closed).transform(done -> Future.succeededFuture());
  }

  private void accept(NetSocket gatewaySide) {
    if (cut) {
      gatewaySide.close();
      return;
    }
    gatewaySide.pause();
    client.connect(databasePort, databaseHost).onComplete(connected -> {
      if (connected.failed() || cut) {
        if (connected.succeeded()) {
          connected.result().close();
        }
        gatewaySide.close();
        return;
      }
      splice(gatewaySide, connected.result());
    });
  }

  private void splice(NetSocket gatewaySide, NetSocket databaseSide) {
    open.add(gatewaySide);
    open.add(databaseSide);
    gatewaySide.closeHandler(v -> {
      open.remove(gatewaySide);
      databaseSide.close();
    });
    databaseSide.closeHandler(v -> {
      open.remove(databaseSide);
      gatewaySide.close();
    });
    gatewaySide.pipeTo(databaseSide);
    databaseSide.pipeTo(gatewaySide);
    if (cut) {
      // cut() may have run on another thread while this connection was being made
      gatewaySide.close();
    }
  }
}
