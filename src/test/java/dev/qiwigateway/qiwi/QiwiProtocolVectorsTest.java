package dev.qiwigateway.qiwi;

import static dev.qiwigateway.qiwi.QiwiFixtures.API_ID;
import static dev.qiwigateway.qiwi.QiwiFixtures.API_SECRET;
import static dev.qiwigateway.qiwi.QiwiFixtures.PRV_ID;
import static dev.qiwigateway.qiwi.QiwiFixtures.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The credential vectors printed in docs/qiwi.md#test-vectors, checked against the primitives that implement them
 * (the notification signature vectors: {@code NotificationSignatureVectorsTest}).
 */
class QiwiProtocolVectorsTest {

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
}
