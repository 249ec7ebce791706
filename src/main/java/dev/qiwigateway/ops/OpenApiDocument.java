package dev.qiwigateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The merchant API's OpenAPI document ({@code openapi.yaml} on the classpath), served on the management
 * port as {@code GET /openapi.yaml}. Read once, on a worker thread before the port opens; every request
 * is then answered from memory.
 */
public final class OpenApiDocument {

  public static final String PATH = "/openapi.yaml";
  public static final String RESOURCE = "openapi.yaml";
  /** RFC 9512's media type for YAML; it defines no charset parameter (YAML here is UTF-8). */
  public static final String CONTENT_TYPE = "application/yaml";

  private static final CharSequence YAML = HttpHeaders.createOptimized(CONTENT_TYPE);

  private final Buffer document;

  private OpenApiDocument(Buffer document) {
    this.document = document;
  }

  /** Reads the document from the classpath on a worker; fails when the build left it out. */
  public static Future<OpenApiDocument> load(Vertx vertx) {
    return vertx.executeBlocking(() -> new OpenApiDocument(read(RESOURCE)));
  }

  /** Puts {@code GET /openapi.yaml} on {@code router}. */
  public void mount(Router router) {
    router.get(PATH).handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, YAML).end(document);
  }

  private static Buffer read(String resource) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
