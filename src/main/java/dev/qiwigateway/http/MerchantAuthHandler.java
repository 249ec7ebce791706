package dev.qiwigateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bearer-token authentication of the merchant API, run before idempotency and validation so that
 * an unauthenticated caller learns nothing else (docs/api.md#authentication).
 */
public final class MerchantAuthHandler implements Handler<RoutingContext> {

  private static final String MERCHANT_KEY = "merchantId";
  private static final String BEARER = "bearer ";
  private static final Reply UNAUTHORIZED = Reply.problem(
          Problem.of(401, "unauthorized", "Unauthorized", "A valid bearer token is required."))
      .withHeader("WWW-Authenticate", "Bearer realm=\"qiwi-gateway\"");

  private final Function<String, Optional<String>> tokens;

  /** @param tokens the merchant a presented token belongs to, if any (null for no token) */
  public MerchantAuthHandler(Function<String, Optional<String>> tokens) {
    this.tokens = tokens;
  }

  /**
   * Installed on a path-less route, so metric and log route labels stay the endpoint's own template;
   * everything under /v1 is the merchant API and needs a token, known route or not.
   */
  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.equals("/v1") && !path.startsWith("/v1/")) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim()
        : null;
    tokens.apply(token).ifPresentOrElse(merchant -> {
      ctx.put(MERCHANT_KEY, merchant);
      ctx.next();
    }, () -> Reply.respond(ctx, Future.succeededFuture(UNAUTHORIZED)));
  }

  public static String merchantOf(RoutingContext ctx) {
    return ctx.get(MERCHANT_KEY);
  }
}
