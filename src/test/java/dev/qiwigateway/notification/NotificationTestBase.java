package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;

/** A whole gateway, QIWI's side of it played by {@link QiwiSender}, and ways to look at what a notification did. */
abstract class NotificationTestBase extends GatewayTestBase {

  protected QiwiSender qiwi;
  protected Vertx vertx;

  @BeforeEach
  void startQiwi(Vertx vertx) {
    this.vertx = vertx;
    qiwi = new QiwiSender(vertx, gateway.running().httpPort(), credentials());
  }

  /** The shop's credentials as QIWI holds them; the gateway's settings must agree. */
  protected QiwiCredentials credentials() {
    return TestSecrets.credentials();
  }

  /** Issues a bill through the merchant API, as the checkout does. */
  protected Future<JsonObject> issue(String billId, String amount) {
    return api.post("/v1/bills", "issue-" + billId, MerchantApi.bill(billId, amount)).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return created.bodyAsJsonObject();
    });
  }

  protected Future<String> statusOf(String billId) {
    return api.get("/v1/bills/" + billId).map(read -> read.bodyAsJsonObject().getString("status"));
  }

  /** Reads the bill until it shows {@code status}, on Vert.x timers, for at most about ten seconds. */
  protected Future<JsonObject> awaitStatus(String billId, String status) {
    return eventually("bill " + billId + " to become " + status, () -> api.get("/v1/bills/" + billId)
        .map(read -> read.statusCode() == 200 && status.equals(read.bodyAsJsonObject().getString("status"))
            ? read.bodyAsJsonObject() : null));
  }

  /** Asks until the answer is not null: every 100 ms, at most 100 times. */
  protected <T> Future<T> eventually(String what, Supplier<Future<T>> probe) {
    Promise<T> reached = Promise.promise();
    probe(what, probe, 100, reached);
    return reached.future();
  }

  private <T> void probe(String what, Supplier<Future<T>> probe, int attemptsLeft, Promise<T> reached) {
    probe.get().onComplete(answer -> {
      if (answer.succeeded() && answer.result() != null) {
        reached.complete(answer.result());
      } else if (attemptsLeft <= 1) {
        reached.fail(new AssertionError("gave up waiting for " + what, answer.cause()));
      } else {
        vertx.setTimer(100, id -> probe(what, probe, attemptsLeft - 1, reached));
      }
    });
  }

  /** The verdicts recorded for a bill's notifications, in arrival order. */
  protected Future<List<String>> verdicts(String billId) {
    return db().preparedQuery("SELECT verdict FROM notification_inbox WHERE bill_id = $1 ORDER BY id")
        .execute(Tuple.of(billId))
        .map(rows -> {
          List<String> verdicts = new ArrayList<>();
          for (Row row : rows) {
            verdicts.add(row.getString(0));
          }
          return verdicts;
        });
  }

  /** The types of a bill's events, in commit order. */
  protected Future<List<String>> events(String billId) {
    return db().preparedQuery("SELECT type FROM event WHERE bill_id = $1 ORDER BY seq")
        .execute(Tuple.of(billId))
        .map(rows -> {
          List<String> types = new ArrayList<>();
          for (Row row : rows) {
            types.add(row.getString(0));
          }
          return types;
        });
  }

  protected Future<String> metrics() {
    return io.vertx.ext.web.client.WebClient.create(vertx)
        .get(gateway.running().managementPort(), "127.0.0.1", "/metrics").send()
        .map(response -> response.bodyAsString());
  }
}
