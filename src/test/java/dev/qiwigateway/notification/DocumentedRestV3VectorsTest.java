package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.testing.FreshGateway;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A gateway configured with the document's own credentials (docs/qiwi.md#credentials) accepts the
 * documented rest-v3 notifications byte for byte, with the documented signatures.
 */
@DisplayName("The documented rest-v3 notifications, sent verbatim with their documented signatures, are accepted")
@FreshGateway("both tests need bill BILL-1, the one the documented signed bodies name")
class DocumentedRestV3VectorsTest extends NotificationTestBase {

  private static final String PAID_BODY = "prv_id=2042&bill_id=BILL-1&status=paid&error=0&amount=1.00"
      + "&phone=tel%3A%2B79031811737&payment_date=2017-03-01T19%3A00%3A00&currency=RUB&comment=test&version=1";
  private static final String PAID_SIGNATURE = "7qCKHTlO8PNq95kzBC6wsDM0NVWOoanYdzehrvP8uRI=";
  private static final String REJECTED_BODY = "prv_id=2042&bill_id=order-1842&status=rejected&error=0&amount=1499.00"
      + "&email=buyer%40example.com&user_id=u-77&currency=RUB&comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7&version=1"
      + "&extra_note=x";
  private static final String REJECTED_SIGNATURE = "RDuGSlJ+vjZRMskKT8QYrOcCg7S8MGV89mhWbf2rLSs=";

  @Override
  protected JsonObject settings() {
    return super.settings().put("QIWI_PRV_ID", "2042").put("QIWI_API_ID", "23244123").put("QIWI_API_SECRET", "453Fdgd443");
  }

  @Override
  protected QiwiCredentials credentials() {
    return QiwiCredentials.of("2042", "23244123", "453Fdgd443", null);
  }

  @Test
  @DisplayName("BILL-1 is paid and order-1842 rejected by the two documented notifications, each acknowledged with {\"error\":0}")
  void documentedBodiesAndSignatures(VertxTestContext ctx) {
    issue("BILL-1", "1.00")
        .compose(first -> issue("order-1842", "1499.00"))
        .compose(issued -> qiwi.send(PAID_BODY, QiwiSender.FORM, Map.of("X-Api-Signature", PAID_SIGNATURE)))
        .compose(paid -> {
          ctx.verify(() -> {
            assertThat(paid.statusCode()).as(paid.bodyAsString()).isEqualTo(200);
            assertThat(QiwiSender.restV3Code(paid)).isZero();
          });
          return qiwi.send(REJECTED_BODY, QiwiSender.FORM, Map.of("X-Api-Signature", REJECTED_SIGNATURE));
        })
        .compose(rejected -> {
          ctx.verify(() -> {
            assertThat(rejected.statusCode()).as(rejected.bodyAsString()).isEqualTo(200);
            assertThat(QiwiSender.restV3Code(rejected)).isZero();
          });
          return Future.all(statusOf("BILL-1"), statusOf("order-1842"), verdicts("BILL-1"), verdicts("order-1842"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<String>resultAt(1)).isEqualTo("rejected");
          assertThat(seen.<List<String>>resultAt(2)).containsExactly("applied");
          assertThat(seen.<List<String>>resultAt(3)).containsExactly("applied");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the documented body with one value changed no longer matches its signature and is refused with 151")
  void tamperedBody(VertxTestContext ctx) {
    issue("BILL-1", "1.00")
        .compose(issued -> qiwi.send(PAID_BODY.replace("status=paid", "status=rejected"), QiwiSender.FORM,
            Map.of("X-Api-Signature", PAID_SIGNATURE)))
        .compose(refused -> {
          ctx.verify(() -> {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(QiwiSender.restV3Code(refused)).isEqualTo(151);
          });
          return statusOf("BILL-1");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }
}
