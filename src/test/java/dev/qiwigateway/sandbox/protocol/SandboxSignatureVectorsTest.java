package dev.qiwigateway.sandbox.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The protocol document's test vectors, verbatim, against the sandbox's own code: the bodies are
 * decoded, the signed strings built and signed exactly as the sandbox does when it notifies a shop.
 */
@DisplayName("The sandbox signs notifications and derives credentials exactly as the protocol's test vectors say")
class SandboxSignatureVectorsTest {

  private static final SandboxCredentials SHOP = SandboxCredentials.of("2042", "23244123", "453Fdgd443", "test");

  private static Map<String, String> decoded(String body) {
    return FormBody.decode(body).orElseThrow();
  }

  @Test
  @DisplayName("SECRET_KEY of prv_id 2042, api_id 23244123, api_secret 453Fdgd443 is the documented base64 text")
  void secretKey() {
    assertThat(SHOP.secretKey()).isEqualTo("MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==");
    assertThat(SHOP.apiAuthorization(Dialect.REST_V3))
        .isEqualTo("Bearer MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==");
  }

  @Test
  @DisplayName("pull-v2 API calls authenticate with Basic base64(api_id:api_secret), the documented value")
  void pullV2Basic() {
    assertThat(SHOP.apiAuthorization(Dialect.PULL_V2)).isEqualTo("Basic MjMyNDQxMjM6NDUzRmRnZDQ0Mw==");
    assertThat(SHOP.authorizesApiCall(Dialect.PULL_V2, "Basic MjMyNDQxMjM6NDUzRmRnZDQ0Mw==")).isTrue();
    assertThat(SHOP.authorizesApiCall(Dialect.PULL_V2, "Basic MjMyNDQxMjM6d3Jvbmc=")).isFalse();
    assertThat(SHOP.authorizesApiCall(Dialect.REST_V3, "Basic MjMyNDQxMjM6NDUzRmRnZDQ0Mw==")).isFalse();
  }

  @Test
  @DisplayName("rest-v3, first vector: the paid BILL-1 notification is signed 7qCKHTlO...")
  void restV3PaidVector() {
    Map<String, String> fields = decoded("prv_id=2042&bill_id=BILL-1&status=paid&error=0&amount=1.00"
        + "&phone=tel%3A%2B79031811737&payment_date=2017-03-01T19%3A00%3A00&currency=RUB&comment=test&version=1");
    assertThat(NotificationSigner.signedText(Dialect.REST_V3, fields))
        .isEqualTo("1.00|BILL-1|RUB|0|tel:+79031811737|2042|paid");
    assertThat(NotificationSigner.of(Dialect.REST_V3, SHOP).sign(fields))
        .isEqualTo("7qCKHTlO8PNq95kzBC6wsDM0NVWOoanYdzehrvP8uRI=");
  }

  @Test
  @DisplayName("rest-v3, second vector: email and user_id are signed, comment and extra_* are not")
  void restV3RejectedVector() {
    Map<String, String> fields = decoded("prv_id=2042&bill_id=order-1842&status=rejected&error=0&amount=1499.00"
        + "&email=buyer%40example.com&user_id=u-77&currency=RUB&comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7&version=1"
        + "&extra_note=x");
    assertThat(fields).containsEntry("comment", "Заказ");
    assertThat(NotificationSigner.signedText(Dialect.REST_V3, fields))
        .isEqualTo("1499.00|order-1842|RUB|buyer@example.com|0|2042|rejected|u-77");
    assertThat(NotificationSigner.withKey(Dialect.REST_V3, SHOP.secretKey()).sign(fields))
        .isEqualTo("RDuGSlJ+vjZRMskKT8QYrOcCg7S8MGV89mhWbf2rLSs=");
  }

  @Test
  @DisplayName("pull-v2 vector: HMAC-SHA1 with the notification password over every field gives p0K+HpuQ...")
  void pullV2Vector() {
    Map<String, String> fields = decoded("bill_id=BILL-1&status=paid&error=0&amount=1.00&user=tel%3A%2B79031811737"
        + "&prv_name=TEST&ccy=RUB&comment=%D0%A2%D0%B5%D1%81%D1%82&command=bill");
    assertThat(NotificationSigner.signedText(Dialect.PULL_V2, fields))
        .isEqualTo("1.00|BILL-1|RUB|bill|Тест|0|TEST|paid|tel:+79031811737");
    assertThat(NotificationSigner.of(Dialect.PULL_V2, SHOP).sign(fields)).isEqualTo("p0K+HpuQzd08lydr365EL6AotJc=");
  }

  @Test
  @DisplayName("pull-v2 Basic notifications carry base64(prv_id:notification password)")
  void pullV2NotificationBasic() {
    assertThat(SHOP.notificationAuthorization()).isEqualTo("Basic MjA0Mjp0ZXN0");
  }

  @Test
  @DisplayName("the signature does not depend on the order of the fields in the body")
  void orderFree() {
    Map<String, String> shuffled = decoded("command=bill&ccy=RUB&prv_name=TEST&user=tel%3A%2B79031811737"
        + "&amount=1.00&error=0&status=paid&comment=%D0%A2%D0%B5%D1%81%D1%82&bill_id=BILL-1");
    assertThat(NotificationSigner.of(Dialect.PULL_V2, SHOP).sign(shuffled)).isEqualTo("p0K+HpuQzd08lydr365EL6AotJc=");
  }
}
