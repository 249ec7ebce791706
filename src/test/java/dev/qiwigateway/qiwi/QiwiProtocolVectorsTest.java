package dev.qiwigateway.qiwi;

import static dev.qiwigateway.qiwi.QiwiFixtures.API_ID;
import static dev.qiwigateway.qiwi.QiwiFixtures.API_SECRET;
import static dev.qiwigateway.qiwi.QiwiFixtures.PRV_ID;
import static dev.qiwigateway.qiwi.QiwiFixtures.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every test vector printed in docs/qiwi.md#test-vectors, checked against the primitives that implement it. */
class QiwiProtocolVectorsTest {

  private static final String REST_V3_EXAMPLE = "prv_id=2042&bill_id=BILL-1&status=paid&error=0&amount=1.00"
      + "&phone=tel%3A%2B79031811737&payment_date=2017-03-01T19%3A00%3A00&currency=RUB&comment=test&version=1";
  private static final String REST_V3_SECOND = "prv_id=2042&bill_id=order-1842&status=rejected&error=0"
      + "&amount=1499.00&email=buyer%40example.com&user_id=u-77&currency=RUB&comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7"
      + "&version=1&extra_note=x";
  private static final String PULL_V2_EXAMPLE = "bill_id=BILL-1&status=paid&error=0&amount=1.00"
      + "&user=tel%3A%2B79031811737&prv_name=TEST&ccy=RUB&comment=%D0%A2%D0%B5%D1%81%D1%82&command=bill";

  @Test
  @DisplayName("the shop's SECRET_KEY is base64 of prv_id|api_id|md5hex(api_secret)")
  void secretKeyIsDerivedFromTheShopCredentials() {
    String derived = QiwiCredentials.deriveSecretKey(PRV_ID, API_ID, API_SECRET);

    assertThat(new String(Base64.getDecoder().decode(derived), StandardCharsets.UTF_8))
        .isEqualTo("2042|23244123|c5a37c348889e9ec0b9880e36f785833");
    assertThat(derived).isEqualTo(SECRET_KEY);
    assertThat(QiwiCredentials.of(PRV_ID, API_ID, API_SECRET, null).secretKey()).isEqualTo(SECRET_KEY);
  }

  @Test
  @DisplayName("a SECRET_KEY given directly is used instead of the derived one")
  void givenSecretKeyWins() {
    QiwiCredentials credentials = new QiwiCredentials(PRV_ID, API_ID, API_SECRET, "given-key", null);

    assertThat(credentials.authorization(QiwiDialect.REST_V3)).isEqualTo("Bearer given-key");
  }

  @Test
  @DisplayName("API calls authenticate with Bearer SECRET_KEY in rest-v3 and Basic api_id:api_secret in pull-v2")
  void apiAuthorizationPerDialect() {
    QiwiCredentials credentials = QiwiCredentials.of(PRV_ID, API_ID, API_SECRET, null);

    assertThat(credentials.authorization(QiwiDialect.REST_V3)).isEqualTo("Bearer " + SECRET_KEY);
    assertThat(credentials.authorization(QiwiDialect.PULL_V2)).isEqualTo("Basic MjMyNDQxMjM6NDUzRmRnZDQ0Mw==");
  }

  @Test
  @DisplayName("the documented rest-v3 paid notification is signed over amount|bill_id|currency|error|phone|prv_id|status")
  void restV3PaidNotificationVector() {
    Map<String, String> fields = FormCodec.decode(REST_V3_EXAMPLE);

    assertThat(NotificationSignature.restV3SignedString(fields))
        .isEqualTo("1.00|BILL-1|RUB|0|tel:+79031811737|2042|paid");
    assertThat(NotificationSignature.restV3(SECRET_KEY, fields))
        .isEqualTo("7qCKHTlO8PNq95kzBC6wsDM0NVWOoanYdzehrvP8uRI=");
  }

  @Test
  @DisplayName("a rest-v3 rejection notification with email and user_id signs them and ignores comment and extras")
  void restV3RejectedNotificationVector() {
    Map<String, String> fields = FormCodec.decode(REST_V3_SECOND);

    assertThat(fields).containsEntry("comment", "Заказ").containsEntry("email", "buyer@example.com");
    assertThat(NotificationSignature.restV3SignedString(fields))
        .isEqualTo("1499.00|order-1842|RUB|buyer@example.com|0|2042|rejected|u-77");
    assertThat(NotificationSignature.restV3(SECRET_KEY, fields))
        .isEqualTo("RDuGSlJ+vjZRMskKT8QYrOcCg7S8MGV89mhWbf2rLSs=");
  }

  @Test
  @DisplayName("a pull-v2 notification is signed with HMAC-SHA1 over all field values sorted by name, Cyrillic included")
  void pullV2NotificationVector() {
    Map<String, String> fields = FormCodec.decode(PULL_V2_EXAMPLE);

    assertThat(NotificationSignature.pullV2SignedString(fields))
        .isEqualTo("1.00|BILL-1|RUB|bill|Тест|0|TEST|paid|tel:+79031811737");
    assertThat(NotificationSignature.pullV2("test", fields)).isEqualTo("p0K+HpuQzd08lydr365EL6AotJc=");
  }

  @Test
  @DisplayName("signature comparison accepts only the exact expected signature")
  void constantTimeComparison() {
    assertThat(NotificationSignature.constantTimeEquals("p0K+HpuQzd08lydr365EL6AotJc=", "p0K+HpuQzd08lydr365EL6AotJc="))
        .isTrue();
    assertThat(NotificationSignature.constantTimeEquals("p0K+HpuQzd08lydr365EL6AotJd=", "p0K+HpuQzd08lydr365EL6AotJc="))
        .isFalse();
    assertThat(NotificationSignature.constantTimeEquals(null, "x")).isFalse();
  }
}
