package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.QiwiNotifications;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A notification that is not QIWI's, not well-formed, or not about our bill as issued changes no bill")
class NotificationRefusalTest extends NotificationTestBase {

  private record Case(String name, Supplier<Future<HttpResponse<Buffer>>> send, int httpStatus, int resultCode) {
  }

  private static Map<String, String> paid() {
    return QiwiSender.restV3("guard-1", "paid", "10.00");
  }

  private static Map<String, String> with(String name, String value) {
    Map<String, String> fields = new LinkedHashMap<>(paid());
    if (value == null) {
      fields.remove(name);
    } else {
      fields.put(name, value);
    }
    return fields;
  }

  private Future<HttpResponse<Buffer>> signedWith(String signature, Map<String, String> fields) {
    return qiwi.send(FormCodec.encode(fields), QiwiSender.FORM, Map.of("X-Api-Signature", signature));
  }

  /** The raw body as given, signed over whatever fields it decodes to (or none, when it does not decode). */
  private Future<HttpResponse<Buffer>> raw(String body, String contentType) {
    String signature;
    try {
      signature = qiwi.restV3Signature(FormCodec.decode(body));
    } catch (IllegalArgumentException undecodable) {
      signature = qiwi.restV3Signature(paid());
    }
    return qiwi.send(body, contentType, Map.of("X-Api-Signature", signature));
  }

  private List<Case> cases() {
    Map<String, String> paid = paid();
    String otherFieldsSignature = qiwi.restV3Signature(with("amount", "1.00"));
    return List.of(
        new Case("signature over other values", () -> signedWith(otherFieldsSignature, paid), 401, 151),
        new Case("signature with another key", () -> signedWith(QiwiNotifications.restV3Signature("not-our-key", paid), paid),
            401, 151),
        new Case("no signature", () -> qiwi.send(FormCodec.encode(paid), QiwiSender.FORM, Map.of()), 401, 151),
        new Case("wrong amount", () -> qiwi.sendRestV3(with("amount", "10.01")), 400, 5),
        new Case("wrong currency", () -> qiwi.sendRestV3(with("currency", "USD")), 400, 5),
        new Case("another shop", () -> qiwi.sendRestV3(with("prv_id", "9999")), 400, 5),
        new Case("missing error field", () -> qiwi.sendRestV3(with("error", null)), 400, 5),
        new Case("missing prv_id", () -> qiwi.sendRestV3(with("prv_id", null)), 400, 5),
        new Case("amount with a comma", () -> qiwi.sendRestV3(with("amount", "10,00")), 400, 5),
        new Case("amount in exponent notation", () -> qiwi.sendRestV3(with("amount", "1e1")), 400, 5),
        new Case("negative amount", () -> qiwi.sendRestV3(with("amount", "-10.00")), 400, 5),
        new Case("sub-kopeck amount", () -> qiwi.sendRestV3(with("amount", "10.001")), 400, 5),
        new Case("unknown status", () -> qiwi.sendRestV3(with("status", "refunded")), 400, 5),
        new Case("JSON body", () -> qiwi.send(new io.vertx.core.json.JsonObject(new LinkedHashMap<>(paid)).encode(),
            "application/json", Map.of("X-Api-Signature", qiwi.restV3Signature(paid))), 400, 5),
        new Case("no content type", () -> raw(FormCodec.encode(paid), null), 400, 5),
        new Case("another charset", () -> raw(FormCodec.encode(paid),
            "application/x-www-form-urlencoded; charset=windows-1251"), 400, 5),
        new Case("repeated bill_id", () -> raw("bill_id=other-1&" + FormCodec.encode(paid), QiwiSender.FORM), 400, 5),
        new Case("bad escape", () -> raw(FormCodec.encode(paid) + "&comment2=%zz", QiwiSender.FORM), 400, 5),
        new Case("over 64 KiB", () -> qiwi.sendRestV3(with("comment", "x".repeat(70_000))), 400, 5));
  }

  @Test
  @DisplayName("each refusal gets the protocol's code and status, and the bill stays waiting with only its first event")
  void refusals(VertxTestContext ctx) {
    Future<Void> chain = issue("guard-1", "10.00").mapEmpty();
    for (Case c : cases()) {
      chain = chain.compose(previous -> c.send().get()).map(response -> {
        ctx.verify(() -> {
          assertThat(response.statusCode()).as("%s: %s", c.name(), response.bodyAsString()).isEqualTo(c.httpStatus());
          assertThat(QiwiSender.restV3Code(response)).as(c.name()).isEqualTo(c.resultCode());
        });
        return null;
      });
    }
    chain.compose(done -> Future.all(statusOf("guard-1"), events("guard-1"), verdicts("guard-1")))
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("waiting");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting");
          // Only authenticated, well-formed notifications reach the inbox: the three that disagree with the bill.
          assertThat(seen.<List<String>>resultAt(2)).containsExactly("mismatch", "mismatch", "mismatch");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a notification for a bill the gateway does not know asks QIWI to come back, and is recorded for a status check")
  void unknownBill(VertxTestContext ctx) {
    qiwi.sendRestV3(QiwiSender.restV3("ghost-1", "paid", "10.00"))
        .compose(answer -> {
          ctx.verify(() -> {
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(QiwiSender.restV3Code(answer)).isEqualTo(13);
          });
          return verdicts("ghost-1");
        })
        .onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
          assertThat(verdicts).containsExactly("unknown_bill");
          ctx.completeNow();
        })));
  }

  @Test
  @FreshGateway("counts the notification metrics from zero")
  @DisplayName("the endpoint counts what it received, verified, refused and found mismatched, and the sizes of its batches")
  void metricsCount(VertxTestContext ctx) {
    issue("count-1", "10.00")
        .compose(issued -> qiwi.sendRestV3(QiwiSender.restV3("count-1", "paid", "10.00")))
        .compose(paid -> qiwi.sendRestV3(QiwiSender.restV3("count-1", "paid", "10.00")))
        .compose(duplicate -> qiwi.sendRestV3(QiwiSender.restV3("count-1", "expired", "10.00")))
        .compose(stale -> qiwi.sendRestV3(QiwiSender.restV3("count-1", "paid", "99.00")))
        .compose(mismatch -> qiwi.send("bill_id=count-1", QiwiSender.FORM, Map.of("X-Api-Signature", "nope")))
        .compose(unsigned -> qiwi.send("{}", "application/json", Map.of()))
        .compose(malformed -> metrics())
        .onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
          assertThat(scrape)
              .contains("qiwi_notifications_received_total 6.0")
              .contains("qiwi_notifications_verified_total 4.0")
              .contains("qiwi_notifications_applied_total 1.0")
              .contains("qiwi_notifications_duplicated_total 1.0")
              .contains("qiwi_notifications_stale_total 1.0")
              .contains("qiwi_notifications_mismatch_total 1.0")
              .contains("qiwi_notifications_refused_total{reason=\"signature\"} 1.0")
              .contains("qiwi_notifications_refused_total{reason=\"malformed\"} 1.0")
              .contains("qiwi_notifications_refused_total{reason=\"mismatch\"} 1.0")
              .contains("qiwi_notifications_batch_size_count 4\n")
              .contains("qiwi_notifications_batch_size_sum 4.0")
              .contains("qiwi_notifications_batch_size_bucket{le=\"1.0\"} 4");
          ctx.completeNow();
        })));
  }
}
