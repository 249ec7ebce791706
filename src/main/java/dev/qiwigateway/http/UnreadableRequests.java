package dev.qiwigateway.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers' {@code invalidRequestHandler}: a request line or headers that do not parse never reach
 * a router, and Vert.x's own answer is an empty status. Answered here as problem+json instead, with
 * one WARN line naming the kind of mistake (never the bytes), and the connection closed: after a
 * framing error the rest of its stream cannot be trusted.
 */
public final class UnreadableRequests {

  private static final Logger LOG = LoggerFactory.getLogger(UnreadableRequests.class);
  private static final String HTTP_DECODER = "httpDecoder";
  private static final UnsupportedVersions UNSUPPORTED_VERSIONS = new UnsupportedVersions();

  private UnreadableRequests() {
  }

  public static void answer(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    Problem problem = problemFor(cause);
    LOG.atWarn().addKeyValue("status", problem.status())
        .addKeyValue("cause", cause == null ? "unknown" : cause.getClass().getName())
        .log("request refused: request line or headers unreadable");
    request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(problem.toJson().toBuffer())
        .onComplete(written -> request.connection().close());
  }

  /**
   * Call from the server's connection handler. Netty parses any {@code HTTP/x.y} request line, and
   * Vert.x then answers a version other than 1.0 or 1.1 itself, with an empty 501, before any handler
   * of ours runs. Such a request is marked unreadable as it leaves the decoder, so that {@link #answer}
   * refuses it like any other request line that does not parse. The pipeline is reached through a
   * Vert.x implementation class: should a Vert.x upgrade move it, the version is left to Vert.x again,
   * and ClientMistakeTest says so.
   */
  public static void refuseUnsupportedVersions(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channel().pipeline();
      if (pipeline.get(HTTP_DECODER) != null) {
        pipeline.addAfter(HTTP_DECODER, "unsupportedVersions", UNSUPPORTED_VERSIONS);
      }
    }
  }

  static Problem problemFor(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problem.of(414, "uri_too_long", "URI too long", "The request line exceeds 4096 bytes.");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problem.of(431, "headers_too_large", "Request headers too large", "The request headers exceed 8 KiB.");
    }
    return Problem.malformedRequest();
  }

  /** Never thrown: names the mistake in the WARN line, and a client's mistake needs no stack trace. */
  static final class UnsupportedHttpVersion extends RuntimeException {
    UnsupportedHttpVersion() {
      super("HTTP version other than 1.0 or 1.1", null, false, false);
    }
  }

  @ChannelHandler.Sharable
  private static final class UnsupportedVersions extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      // Identity, as Vert.x compares: only Netty's own 1.0 and 1.1 constants get past it.
      if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
          && request.protocolVersion() != HttpVersion.HTTP_1_0 && request.protocolVersion() != HttpVersion.HTTP_1_1) {
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setDecoderResult(DecoderResult.failure(new UnsupportedHttpVersion()));
      }
      ctx.fireChannelRead(msg);
    }
  }
}
