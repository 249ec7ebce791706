package dev.qiwigateway;

import dev.qiwigateway.db.EmbeddedDatabase;
import dev.qiwigateway.sandbox.SandboxVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started gateway instance and the order in which it comes apart: stop being ready, drain the
 * public server and let background work settle (its leases completed or released), then release the
 * database and the dev-only helpers, management port last.
 */
public final class RunningGateway {

  private static final Logger LOG = LoggerFactory.getLogger(RunningGateway.class);

  private final Vertx vertx;
  private final GatewayServices services;
  private final List<String> workDeployments;
  private final String managementDeployment;
  private final int httpPort;
  private final int managementPort;
  private final SandboxVerticle sandbox;
  private final EmbeddedDatabase embeddedDatabase;
  private Future<Void> stopping;

  RunningGateway(Vertx vertx, GatewayServices services, List<String> workDeployments, String managementDeployment,
      int httpPort, int managementPort, SandboxVerticle sandbox, EmbeddedDatabase embeddedDatabase) {
    this.vertx = vertx;
    this.services = services;
    this.workDeployments = new ArrayList<>(workDeployments);
    this.managementDeployment = managementDeployment;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.sandbox = sandbox;
    this.embeddedDatabase = embeddedDatabase;
  }

  public int httpPort() {
    return httpPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public GatewayServices services() {
    return services;
  }

  /** The in-process sandbox of the dev profile; null when the gateway talks to a configured QIWI. */
  public SandboxVerticle sandbox() {
    return sandbox;
  }

  public synchronized Future<Void> stop() {
    if (stopping == null) {
      LOG.info("shutting down: draining in-flight requests");
      services.readiness().beginShutdown();
      stopping = undeployAll(workDeployments)
          .compose(v -> services.pool().close())
          .compose(v -> sandbox == null ? Future.succeededFuture() : vertx.undeploy(sandbox.deploymentID()))
          .compose(v -> embeddedDatabase == null ? Future.<Void>succeededFuture() : embeddedDatabase.stop())
          .compose(v -> vertx.undeploy(managementDeployment))
          .onComplete(ar -> LOG.atInfo().addKeyValue("clean", ar.succeeded()).log("gateway stopped"));
    }
    return stopping;
  }

  private Future<Void> undeployAll(List<String> deploymentIds) {
    List<Future<Void>> undeployed = deploymentIds.stream().map(vertx::undeploy).toList();
    return Future.join(undeployed).mapEmpty();
  }
}
