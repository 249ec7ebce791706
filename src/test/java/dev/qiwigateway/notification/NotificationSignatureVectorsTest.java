package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The notification signature vectors of docs/qiwi.md#test-vectors, held against the gateway's own signer. */
class NotificationSignatureVectorsTest {

  /** The document's shop: prv_id 2042, api_id 23244123, api_secret 453Fdgd443. */
  private static final QiwiCredentials SHOP = QiwiCredentials.of("2042", "23244123", "453Fdgd443", null);
  private static final String REST_V3_EXAMPLE = "prv_id=2042&bill_id=BILL-1&status=paid&error=0&amount=1.00"
      + "&phone=tel%3A%2B79031811737&payment_date=2017-03-01T19%3A00%3A00&currency=RUB&comment=test&version=1";
  private static final String REST_V3_SECOND = "prv_id=2042&bill_id=order-1842&status=rejected&error=0"
      + "&amount=1499.00&email=buyer%40example.com&user_id=u-77&currency=RUB&comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7"
      + "&version=1&extra_note=x";
  private static final String PULL_V2_EXAMPLE = "bill_id=BILL-1&status=paid&error=0&amount=1.00"
      + "&user=tel%3A%2B79031811737&prv_name=TEST&ccy=RUB&comment=%D0%A2%D0%B5%D1%81%D1%82&command=bill";

  private static String signed(QiwiDialect dialect, String key, Map<String, String> fields) {
    return new NotificationAuthenticator.Signer(dialect, key).sign(fields);
  }

  @Test
  @DisplayName("the documented rest-v3 paid notification is signed over amount|bill_id|currency|error|phone|prv_id|status")
  void restV3PaidNotificationVector() {
    Map<String, String> fields = FormCodec.decode(REST_V3_EXAMPLE);

    assertThat(NotificationAuthenticator.Signer.signedString(QiwiDialect.REST_V3, fields))
        .isEqualTo("1.00|BILL-1|RUB|0|tel:+79031811737|2042|paid");
    assertThat(signed(QiwiDialect.REST_V3, SHOP.secretKey(), fields))
        .isEqualTo("7qCKHTlO8PNq95kzBC6wsDM0NVWOoanYdzehrvP8uRI=");
  }

  @Test
  @DisplayName("a rest-v3 rejection notification with email and user_id signs them and ignores comment and extras")
  void restV3RejectedNotificationVector() {
    Map<String, String> fields = FormCodec.decode(REST_V3_SECOND);

    assertThat(fields).containsEntry("comment", "Заказ").containsEntry("email", "buyer@example.com");
    assertThat(NotificationAuthenticator.Signer.signedString(QiwiDialect.REST_V3, fields))
        .isEqualTo("1499.00|order-1842|RUB|buyer@example.com|0|2042|rejected|u-77");
    assertThat(signed(QiwiDialect.REST_V3, SHOP.secretKey(), fields))
        .isEqualTo("RDuGSlJ+vjZRMskKT8QYrOcCg7S8MGV89mhWbf2rLSs=");
  }

  @Test
  @DisplayName("a pull-v2 notification is signed with HMAC-SHA1 over all field values sorted by name, Cyrillic included")
  void pullV2NotificationVector() {
    Map<String, String> fields = FormCodec.decode(PULL_V2_EXAMPLE);

    assertThat(NotificationAuthenticator.Signer.signedString(QiwiDialect.PULL_V2, fields))
        .isEqualTo("1.00|BILL-1|RUB|bill|Тест|0|TEST|paid|tel:+79031811737");
    assertThat(signed(QiwiDialect.PULL_V2, "test", fields)).isEqualTo("p0K+HpuQzd08lydr365EL6AotJc=");
  }

  @Test
  @DisplayName("the authenticator admits only the exact expected signature: one character off, or none, is 151")
  void onlyTheExactSignature() {
    QiwiCredentials credentials = QiwiCredentials.of("2042", "23244123", "453Fdgd443", "test");
    QiwiSettings settings = new QiwiSettings(null, QiwiDialect.PULL_V2, credentials, NotifyAuthMode.SIGNATURE,
        "/qiwi/notifications", List.of(), 5000, 30_000, 50, null);
    NotificationAuthenticator authenticator = new NotificationAuthenticator(settings);
    Map<String, String> fields = FormCodec.decode(PULL_V2_EXAMPLE);

    assertThat(authenticator.refusal(signature("p0K+HpuQzd08lydr365EL6AotJc="), fields)).isEmpty();
    assertThat(authenticator.refusal(signature("p0K+HpuQzd08lydr365EL6AotJd="), fields))
        .contains(NotificationAnswer.BAD_SIGNATURE);
    assertThat(authenticator.refusal(MultiMap.caseInsensitiveMultiMap(), fields))
        .contains(NotificationAnswer.BAD_SIGNATURE);
  }

  private static MultiMap signature(String value) {
    return MultiMap.caseInsensitiveMultiMap().add(NotificationAuthenticator.SIGNATURE_HEADER, value);
  }
}
