package dev.qiwigateway.event;

import static dev.qiwigateway.http.Reply.respond;

import dev.qiwigateway.http.JsonBody.FieldErrors;
import dev.qiwigateway.http.JsonBody;
import dev.qiwigateway.http.MerchantAuthHandler;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/** The merchant API's event routes (docs/api.md#events): the feed and redelivery. */
public final class EventRoutes {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Pattern EVENT_ID = Pattern.compile("evt_[A-Za-z0-9]{1,64}");
  private static final String NOT_AN_EVENT = "must be the id of one of your events";
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,9}");

  private final EventFeed feed;
  private final boolean webhooksConfigured;

  /** @param webhooksConfigured whether WEBHOOK_URL is set: without it nothing would deliver a re-queued event */
  public EventRoutes(EventFeed feed, boolean webhooksConfigured) {
    this.feed = feed;
    this.webhooksConfigured = webhooksConfigured;
  }

  public void mount(Router router) {
    router.get("/v1/events").handler(this::list);
    router.post("/v1/events/:eventId/redeliver").handler(this::redeliver);
  }

  private void list(RoutingContext ctx) {
    FieldErrors errors = new FieldErrors();
    int limit = limit(ctx.queryParam("limit"), errors);
    String after = after(ctx.queryParam("after"), errors);
    errors.throwIfAny();
    respond(ctx, feed.page(merchant(ctx), after, limit).map(page -> Reply.json(200, page.map(EventRoutes::toJson)
        .orElseThrow(EventRoutes::unknownCursor))));
  }

  private void redeliver(RoutingContext ctx) {
    String eventId = ctx.pathParam("eventId");
    JsonBody.read(ctx, false);
    if (!EVENT_ID.matcher(eventId).matches()) {
      throw eventNotFound(eventId);
    }
    if (!webhooksConfigured) {
      // A 202 would promise a delivery that never comes: the event stays as it is.
      respond(ctx, feed.owns(merchant(ctx), eventId).<Reply>map(owned -> {
        throw owned ? webhooksNotConfigured() : eventNotFound(eventId);
      }));
      return;
    }
    respond(ctx, feed.redeliver(merchant(ctx), eventId)
        .map(event -> Reply.json(202, event.orElseThrow(() -> eventNotFound(eventId)))));
  }

  private static int limit(List<String> values, FieldErrors errors) {
    if (values.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    if (values.size() == 1 && WHOLE_NUMBER.matcher(values.get(0)).matches()) {
      int limit = Integer.parseInt(values.get(0));
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    }
    errors.add("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    return DEFAULT_LIMIT;
  }

  /** A malformed id cannot name an event of the caller: the same answer as an unknown one. */
  private static String after(List<String> values, FieldErrors errors) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() == 1 && EVENT_ID.matcher(values.get(0)).matches()) {
      return values.get(0);
    }
    errors.add("after", NOT_AN_EVENT);
    return null;
  }

  private static Problem unknownCursor() {
    return Problem.validation(List.of(new Problem.FieldError("after", NOT_AN_EVENT)));
  }

  private static Problem eventNotFound(String eventId) {
    return Problem.of(404, "event_not_found", "Event not found", "No event '" + eventId + "' is known to this merchant.");
  }

  private static Problem webhooksNotConfigured() {
    return Problem.of(409, "webhooks_not_configured", "Webhooks not configured",
        "This gateway has no WEBHOOK_URL, so nothing would deliver the event; read it from GET /v1/events.");
  }

  private static JsonObject toJson(EventFeed.Page page) {
    return new JsonObject().put("data", new JsonArray(List.copyOf(page.events()))).put("hasMore", page.hasMore());
  }

  private static String merchant(RoutingContext ctx) {
    return MerchantAuthHandler.merchantOf(ctx);
  }
}
