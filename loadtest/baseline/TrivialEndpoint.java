import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The "trivial Vert.x endpoint" baseline of the load-test report: the gateway's own Vert.x, the same
 * number of HTTP server instances as the gateway's API verticles, and a handler that reads the whole
 * body and answers 200 {"error":0}, with no signature check, no database and no logging. The storm
 * simulation runs against it unchanged, so the ratio to it is what everything past HTTP costs.
 *
 * Run from the repository root (Java's single-file source launcher, Vert.x from the gateway's jar):
 *   java -cp target/qiwi-gateway.jar loadtest/baseline/TrivialEndpoint.java [port]
 * CI compiles it (against Vert.x alone) with the rest of the load-test code: mvn -f loadtest/pom.xml test-compile
 */
public class TrivialEndpoint extends VerticleBase {

  private static final Buffer SUCCESS = Buffer.buffer("{\"error\":0}");
  private final int port;

  TrivialEndpoint(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setIdleTimeout(75))
        .requestHandler(request -> request.body().onSuccess(body -> request.response()
            .putHeader("Content-Type", "application/json")
            .end(SUCCESS)))
        .listen(port);
  }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8070;
    Vertx vertx = Vertx.vertx();
    // Like GatewayApp.deployApi: one instance per event loop.
    int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    vertx.deployVerticle(() -> new TrivialEndpoint(port), new DeploymentOptions().setInstances(instances))
        .toCompletionStage().toCompletableFuture().get();
    System.out.println("trivial endpoint listening on 127.0.0.1:" + port + " with " + instances + " instances");
  }
}
