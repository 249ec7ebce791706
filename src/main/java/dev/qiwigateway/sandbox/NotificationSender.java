package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.BillStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications at least once, as QIWI does: each final transition is
 * POSTed to the notification URL and retried on the back-off schedule until the receiver answers with
 * the protocol's success answer or the attempts run out. Fault rules add duplicate copies, or hold
 * notifications and release them in reverse order followed by a stale {@code waiting} one.
 */
final class NotificationSender {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);
  /** The delivery log is for people and tests; a long load test must not grow it without bound. */
  private static final int LOG_LIMIT = 10_000;

  private final Vertx vertx;
  /** Replaced only on the sandbox's event loop, by {@link #redirectTo}. */
  private SandboxSettings settings;
  private final FaultInjector faults;
  private final SandboxStats stats;
  private final WebClient client;
  private final Deque<NotificationDelivery> log = new ArrayDeque<>();
  private final Set<NotificationDelivery> inFlight = new HashSet<>();
  private final List<OutgoingHold> held = new ArrayList<>();
  private long holdTimer = -1;
  private int nextId = 1;
  /** Bumped by reset, so that chains started before it do not send anything after it. */
  private int generation;

  private record OutgoingHold(OutgoingNotification notification, OutgoingNotification stale, int copies) {
  }

  NotificationSender(Vertx vertx, SandboxSettings settings, FaultInjector faults, SandboxStats stats) {
    this.vertx = vertx;
    this.settings = settings;
    this.faults = faults;
    this.stats = stats;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("qiwi-gateway-sandbox")
        .setFollowRedirects(false)
        .setConnectTimeout((int) settings.notifyTimeout().toMillis()));
  }

  /** Points later notifications at another URL (an in-process gateway learns its port after the sandbox starts). */
  void redirectTo(String notifyUrl) {
    settings = settings.withNotifications(settings.notifyDialect(), settings.notifyAuth(), notifyUrl);
  }

  /** The ledger's hook: a bill has reached a final status. */
  void billFinished(SandboxBill bill) {
    if (settings.notifyUrl() == null) {
      return;
    }
    OutgoingNotification notification = OutgoingNotification.of(settings, bill, bill.status());
    int copies = faults.takeNotificationFault(Fault.Duplicates.class, settings.notifyDialect())
        .map(fired -> fired.fault().copies()).orElse(1);
    faults.takeNotificationFault(Fault.OutOfOrder.class, settings.notifyDialect()).ifPresentOrElse(
        fired -> hold(new OutgoingHold(notification, OutgoingNotification.of(settings, bill, BillStatus.WAITING), copies),
            fired),
        () -> dispatch(notification, copies));
  }

  /**
   * Sends the original and its copies: the first duplicate races the original, the rest follow once
   * the original is settled (QIWI may repeat a notification even after success).
   */
  private NotificationDelivery dispatch(OutgoingNotification notification, int copies) {
    NotificationDelivery original = start(notification, "original");
    if (copies >= 2) {
      start(notification, "duplicate");
    }
    for (int i = 3; i <= copies; i++) {
      afterSettled(original, () -> start(notification, "duplicate"));
    }
    return original;
  }

  private void hold(OutgoingHold outgoing, FaultInjector.Fired<Fault.OutOfOrder> fired) {
    held.add(outgoing);
    if (fired.spent()) {
      releaseHeld();
    } else if (holdTimer < 0) {
      holdTimer = vertx.setTimer(Math.max(1, fired.fault().hold().toMillis()), id -> releaseHeld());
    }
  }

  /** Newest first, each after the previous one's first answer; every final one trailed by a stale waiting. */
  private void releaseHeld() {
    vertx.cancelTimer(holdTimer);
    holdTimer = -1;
    List<OutgoingHold> batch = new ArrayList<>(held);
    held.clear();
    Collections.reverse(batch);
    int releasedIn = generation;
    Future<Void> previous = Future.succeededFuture();
    for (OutgoingHold outgoing : batch) {
      previous = previous.compose(ignored -> {
        if (releasedIn != generation) {
          return Future.succeededFuture();
        }
        NotificationDelivery original = dispatch(outgoing.notification(), outgoing.copies());
        afterSettled(original, () -> start(outgoing.stale(), "stale"));
        return original.firstAnswer();
      });
    }
  }

  /** Runs a follow-up copy once the original is done, unless a reset cancelled it in between. */
  private void afterSettled(NotificationDelivery original, Runnable followUp) {
    original.settled().onSuccess(state -> {
      if (state != NotificationDelivery.State.CANCELLED) {
        followUp.run();
      }
    });
  }

  private NotificationDelivery start(OutgoingNotification notification, String copy) {
    NotificationDelivery delivery = new NotificationDelivery(nextId++, copy, notification);
    log.addLast(delivery);
    if (log.size() > LOG_LIMIT) {
      log.removeFirst();
    }
    inFlight.add(delivery);
    delivery.settled().onComplete(done -> inFlight.remove(delivery));
    attempt(delivery);
    return delivery;
  }

  private void attempt(NotificationDelivery delivery) {
    if (!delivery.pending()) {
      return;
    }
    stats.notification("attempts");
    OutgoingNotification notification = delivery.notification();
    client.postAbs(settings.notifyUrl())
        .timeout(settings.notifyTimeout().toMillis())
        .putHeader("Content-Type", notification.contentType())
        .putHeader(notification.headerName(), notification.headerValue())
        .sendBuffer(Buffer.buffer(notification.body()))
        .onComplete(answer -> {
          if (answer.succeeded()) {
            answered(delivery, answer.result());
          } else {
            unanswered(delivery, answer.cause());
          }
        });
  }

  private void answered(NotificationDelivery delivery, HttpResponse<Buffer> response) {
    if (!delivery.pending()) {
      return;
    }
    if (NotificationAcknowledgement.acknowledges(settings.notifyDialect(), response)) {
      delivery.recordAttempt(settings.clock().instant(), "acknowledged", response.statusCode(), null);
      stats.notification("acknowledged");
      delivery.finish(NotificationDelivery.State.DELIVERED);
      return;
    }
    delivery.recordAttempt(settings.clock().instant(), "refused", response.statusCode(), null);
    stats.notification("refused");
    retryLater(delivery);
  }

  private void unanswered(NotificationDelivery delivery, Throwable cause) {
    if (!delivery.pending()) {
      return;
    }
    delivery.recordAttempt(settings.clock().instant(), "failed", null, String.valueOf(cause.getMessage()));
    stats.notification("failed");
    retryLater(delivery);
  }

  private void retryLater(NotificationDelivery delivery) {
    int next = delivery.attemptCount() + 1;
    if (next > settings.notifyRetry().maxAttempts()) {
      LOG.warn("notification of bill {} ({}) given up after {} attempts", delivery.notification().billId(),
          delivery.notification().status(), delivery.attemptCount());
      stats.notification("gaveUp");
      delivery.finish(NotificationDelivery.State.GAVE_UP);
      return;
    }
    Duration delay = settings.notifyRetry().delayBefore(next);
    delivery.retryTimer(vertx.setTimer(Math.max(1, delay.toMillis()), id -> attempt(delivery)));
  }

  JsonArray log() {
    JsonArray entries = new JsonArray();
    log.forEach(delivery -> entries.add(delivery.toJson()));
    return entries;
  }

  /** Stops every retry and forgets held notifications and the log (admin reset). */
  void reset() {
    generation++;
    vertx.cancelTimer(holdTimer);
    holdTimer = -1;
    held.clear();
    for (NotificationDelivery delivery : List.copyOf(inFlight)) {
      vertx.cancelTimer(delivery.retryTimer());
      delivery.finish(NotificationDelivery.State.CANCELLED);
    }
    inFlight.clear();
    log.clear();
  }

  void close() {
    reset();
    client.close();
  }
}
