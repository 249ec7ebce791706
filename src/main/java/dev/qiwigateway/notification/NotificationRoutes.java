package dev.qiwigateway.notification;

import dev.qiwigateway.config.IngestSettings;
import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import dev.qiwigateway.notification.NotificationMetrics.ResendWarnings;
import dev.qiwigateway.notification.NotificationReader.Form;
import dev.qiwigateway.notification.NotificationReader.Malformed;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import dev.qiwigateway.ops.RequestLogHandler;
import dev.qiwigateway.ops.WarnBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QIWI's side of the public server: {@code POST QIWI_NOTIFY_PATH} (docs/api.md#qiwi-notifications). A request is
 * read, authenticated and validated here, on its event loop; only then does it join the ingest batch,
 * and it is answered when that batch has committed. One instance per API verticle, so the batcher
 * gathers the notifications of one event loop.
 */
public final class NotificationRoutes {

  static final int REFUSAL_WARNINGS_PER_MINUTE = 20;

  private static final Logger LOG = LoggerFactory.getLogger(NotificationRoutes.class);

  /** QIWI's notifications are a few hundred bytes; anything this long is not one. */
  public static final int BODY_LIMIT_BYTES = 64 * 1024;

  private final String path;
  private final NotificationAuthenticator authenticator;
  private final NotificationReader reader;
  private final NotificationAnswer.Writer answers;
  private final NotificationMetrics metrics;
  private final IngestBatcher batcher;
  /** Per event loop: 20 refusal lines a minute, then a count of those held back. */
  private final WarnBudget refusalWarnings = new WarnBudget(Duration.ofMinutes(1), REFUSAL_WARNINGS_PER_MINUTE,
      System::currentTimeMillis);
  private final ResendWarnings resendWarnings = new ResendWarnings();

  NotificationRoutes(QiwiSettings qiwi, NotificationMetrics metrics, IngestBatcher batcher) {
    this.path = qiwi.notifyPath();
    this.authenticator = new NotificationAuthenticator(qiwi);
    this.reader = new NotificationReader(qiwi.dialect(), qiwi.credentials().prvId());
    this.answers = new NotificationAnswer.Writer(qiwi.dialect());
    this.metrics = metrics;
    this.batcher = batcher;
  }

  /**
   * Call from the verticle's start(): the batcher's timers belong to the calling event loop.
   */
  public static NotificationRoutes create(Vertx vertx, QiwiSettings qiwi, NotificationInbox inbox,
      MeterRegistry registry, IngestSettings ingest) {
    NotificationMetrics metrics = new NotificationMetrics(registry);
    IngestBatcher.Limits limits = new IngestBatcher.Limits(ingest.batchWindow(), ingest.batchRows(),
        ingest.transactionsPerLoop(), ingest.queuePerLoop());
    return new NotificationRoutes(qiwi, metrics, new IngestBatcher(vertx, inbox, metrics, limits));
  }

  /**
   * Mount before any BodyHandler: the route reads its own body. A BodyHandler would also decode every
   * form with Netty's multipart decoder, a second parse of what {@link NotificationReader#form} parses anyway.
   */
  public void mount(Router router) {
    router.post(path).handler(this::readBody).failureHandler(this::failed);
  }

  /** Stops gathering: what is pending is written now. Call when the verticle begins to stop. */
  public void stopBatching() {
    batcher.stopBatching();
  }

  /** Completes once every notification taken in has been committed or refused. */
  public Future<Void> drain() {
    return batcher.drain();
  }

  /** Gathers the body up to {@link #BODY_LIMIT_BYTES}; a longer one is refused as malformed without reading on. */
  private void readBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    // The HTTP codec has refused a Content-Length that is not a number already.
    int expected = declared == null ? 512 : declared.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(declared);
    if (expected > BODY_LIMIT_BYTES) {
      unreadable(ctx, "body over " + BODY_LIMIT_BYTES + " bytes");
      return;
    }
    Buffer body = Buffer.buffer(expected);
    request.handler(chunk -> {
      if (body.length() + chunk.length() > BODY_LIMIT_BYTES) {
        unreadable(ctx, "body over " + BODY_LIMIT_BYTES + " bytes");
      } else if (!ctx.response().ended()) {
        body.appendBuffer(chunk);
      }
    });
    // A body that breaks off (an invalid chunk size) is the client's mistake: the protocol's 5, no stack trace.
    request.exceptionHandler(broken -> unreadable(ctx, "body unreadable: " + broken.getClass().getSimpleName()));
    request.endHandler(end -> {
      if (!ctx.response().ended()) {
        receiveGuarded(ctx, body);
      }
    });
  }

  /**
   * The end handler runs outside the router: an exception escaping it would leave QIWI without an answer
   * until its timeout, so it goes to this route's failure handler like any other of our failures.
   */
  private void receiveGuarded(RoutingContext ctx, Buffer body) {
    try {
      receive(ctx, body);
    } catch (RuntimeException bug) {
      ctx.fail(bug);
    }
  }

  private void receive(RoutingContext ctx, Buffer body) {
    metrics.received();
    String source = sourceOf(ctx);
    if (!authenticator.allows(source)) {
      refuse(ctx, NotificationAnswer.SOURCE_NOT_ALLOWED, source, "source not in QIWI_NOTIFY_ALLOW_IPS");
      return;
    }
    Form form;
    try {
      form = NotificationReader.form(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE), body);
    } catch (Malformed e) {
      refuse(ctx, NotificationAnswer.MALFORMED, source, e.getMessage());
      return;
    }
    Optional<NotificationAnswer> refusal = authenticator.refusal(ctx.request().headers(), form.fields());
    if (refusal.isPresent()) {
      refuse(ctx, refusal.get(), source, "not authenticated");
      return;
    }
    metrics.verified();
    QiwiNotification notification;
    try {
      notification = reader.read(form, source);
    } catch (Malformed e) {
      refuse(ctx, NotificationAnswer.MALFORMED, source, e.getMessage());
      return;
    }
    batcher.submit(notification).onComplete(committed -> answer(ctx, notification, committed));
  }

  private void answer(RoutingContext ctx, QiwiNotification notification, AsyncResult<Verdict> committed) {
    if (committed.failed()) {
      metrics.refused(NotificationAnswer.UNAVAILABLE);
      answers.send(ctx.response(), NotificationAnswer.UNAVAILABLE);
      return;
    }
    Verdict verdict = committed.result();
    metrics.verdict(verdict);
    if (verdict.answer() != NotificationAnswer.ACCEPTED) {
      metrics.refused(verdict.answer());
      ResendWarnings.Decision warning = resendWarnings.decide(notification.billId(), verdict);
      if (warning.warn()) {
        LOG.atWarn().addKeyValue("billId", notification.billId()).addKeyValue("status", notification.status())
            .addKeyValue("verdict", verdict.dbName()).addKeyValue("suppressedSinceLast", warning.suppressed())
            .log("notification recorded but not applied; QIWI is told to resend");
      }
    }
    if (verdict.answer() == NotificationAnswer.ACCEPTED) {
      // Each accepted notification is an inbox row already; an INFO line per arrival only repeats it.
      RequestLogHandler.quiet(ctx);
    }
    answers.send(ctx.response(), verdict.answer());
  }

  private void unreadable(RoutingContext ctx, String why) {
    if (ctx.response().ended()) {
      return;
    }
    metrics.received();
    String source = sourceOf(ctx);
    refuse(ctx, authenticator.allows(source) ? NotificationAnswer.MALFORMED : NotificationAnswer.SOURCE_NOT_ALLOWED,
        source, why);
  }

  /** Only our own failure gets here; QIWI should come back. */
  private void failed(RoutingContext ctx) {
    LOG.atError().setCause(ctx.failure()).log("notification handling failed unexpectedly");
    metrics.refused(NotificationAnswer.UNAVAILABLE);
    answers.send(ctx.response(), NotificationAnswer.UNAVAILABLE);
  }

  /** Every refusal is counted in metrics; the log gets a bounded sample, since anyone can send them. */
  private void refuse(RoutingContext ctx, NotificationAnswer answer, String source, String why) {
    metrics.refused(answer);
    refusalWarnings.take().ifPresent(heldBack -> LOG.atWarn().addKeyValue("reason", answer.reason())
        .addKeyValue("source", source).addKeyValue("detail", why).addKeyValue("heldBack", heldBack)
        .log("notification refused"));
    answers.send(ctx.response(), answer);
  }

  private static String sourceOf(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }
}
