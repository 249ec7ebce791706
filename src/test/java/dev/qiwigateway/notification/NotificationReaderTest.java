package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A notification body is read strictly: one form in UTF-8, every required field, a real bill status and amount")
class NotificationReaderTest {

  private final NotificationReader restV3 = new NotificationReader(QiwiDialect.REST_V3, TestSecrets.PRV_ID);
  private final NotificationReader pullV2 = new NotificationReader(QiwiDialect.PULL_V2, TestSecrets.PRV_ID);

  private static NotificationReader.Form form(Map<String, String> fields) {
    return NotificationReader.form(QiwiSender.FORM, Buffer.buffer(FormCodec.encode(fields)));
  }

  private static Map<String, String> restV3With(String name, String value) {
    Map<String, String> fields = new LinkedHashMap<>(QiwiSender.restV3("bill-1", "paid", "10.00"));
    fields.put(name, value);
    return fields;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
      "Application/X-WWW-Form-Urlencoded;charset=\"utf-8\""})
  @DisplayName("form bodies in UTF-8 are read whatever the spelling of their media type")
  void formMediaTypes(String contentType) {
    NotificationReader.Form form = NotificationReader.form(contentType, Buffer.buffer("bill_id=b-1&comment=%D0%A2"));
    assertThat(form.fields()).containsEntry("bill_id", "b-1").containsEntry("comment", "Т");
    assertThat(form.rawBody()).isEqualTo("bill_id=b-1&comment=%D0%A2");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {";", ";;", "", " ", ";charset=utf-8", "application/json", "application/x-www-form-urlencoded;"
      + "charset=koi8-r"})
  @DisplayName("a media type that is empty, only separators or another type is malformed, not a crash")
  void otherMediaTypes(String contentType) {
    // ";" split to nothing once, and the exception left the request unanswered (PublicPortPropertyTest found it).
    assertThatThrownBy(() -> NotificationReader.form(contentType, Buffer.buffer("bill_id=b-1")))
        .isInstanceOf(NotificationReader.Malformed.class);
  }

  @Test
  @DisplayName("a body that is not UTF-8 or carries control characters is malformed")
  void unreadableBodies() {
    assertThatThrownBy(() -> NotificationReader.form(QiwiSender.FORM, Buffer.buffer(new byte[] {'a', '=', (byte) 0xC3})))
        .isInstanceOf(NotificationReader.Malformed.class);
    assertThatThrownBy(() -> NotificationReader.form(QiwiSender.FORM, Buffer.buffer("a=1\u0000")))
        .isInstanceOf(NotificationReader.Malformed.class);
  }

  @Test
  @DisplayName("QIWI's short amounts are read exactly to the kopeck")
  void shortAmounts() {
    QiwiNotification whole = restV3.read(form(restV3With("amount", "10")), "127.0.0.1");
    QiwiNotification tenths = restV3.read(form(restV3With("amount", "10.5")), "127.0.0.1");
    assertThat(whole.amount()).isEqualByComparingTo("10.00").hasScaleOf(2);
    assertThat(tenths.amount()).isEqualByComparingTo("10.50");
    assertThat(whole.status()).isEqualTo(BillStatus.PAID);
    assertThat(whole.shopMatches()).isTrue();
  }

  @ParameterizedTest(name = "amount {0}")
  @ValueSource(strings = {"0", "0.00", "1234567.00", "10.001", "ten", "+10", " 10"})
  @DisplayName("zero, too large, sub-kopeck or non-numeric amounts are malformed")
  void badAmounts(String amount) {
    assertThatThrownBy(() -> restV3.read(form(restV3With("amount", amount)), "127.0.0.1"))
        .isInstanceOf(NotificationReader.Malformed.class);
  }

  @ParameterizedTest(name = "{0}={1}")
  @org.junit.jupiter.params.provider.CsvSource({"bill_id,has space", "bill_id,''", "currency,rub", "error,none",
      "prv_id,shop", "status,PAID"})
  @DisplayName("fields outside QIWI's formats are malformed")
  void badFields(String name, String value) {
    assertThatThrownBy(() -> restV3.read(form(restV3With(name, value)), "127.0.0.1"))
        .isInstanceOf(NotificationReader.Malformed.class);
  }

  @Test
  @DisplayName("another shop's prv_id is well-formed but marked as not ours, for the inbox to record as a mismatch")
  void otherShop() {
    QiwiNotification other = restV3.read(form(restV3With("prv_id", "9999")), "127.0.0.1");
    assertThat(other.shopMatches()).isFalse();
    assertThat(other.prvId()).isEqualTo("9999");
  }

  @Test
  @DisplayName("pull-v2 needs command=bill and ccy, and names no shop in its body")
  void pullV2Fields() {
    Map<String, String> fields = new LinkedHashMap<>(QiwiSender.pullV2("bill-2", "rejected", "5.00"));
    QiwiNotification read = pullV2.read(form(fields), "127.0.0.1");
    assertThat(read.currency()).isEqualTo("RUB");
    assertThat(read.prvId()).isNull();
    assertThat(read.shopMatches()).isTrue();
    fields.put("command", "refund");
    assertThatThrownBy(() -> pullV2.read(form(fields), "127.0.0.1")).isInstanceOf(NotificationReader.Malformed.class);
    fields.put("command", "bill");
    fields.remove("ccy");
    fields.put("currency", "RUB");
    assertThatThrownBy(() -> pullV2.read(form(fields), "127.0.0.1")).isInstanceOf(NotificationReader.Malformed.class);
  }

  /** QIWI's pull-v2 parameter table lists neither error as required nor a fallback for prv_name. */
  @Test
  @DisplayName("a pull-v2 notification that follows QIWI's parameter table, without error or prv_name, is read")
  void pullV2WithoutErrorOrProviderName() {
    Map<String, String> fields = new LinkedHashMap<>(QiwiSender.pullV2("bill-3", "paid", "7.00"));
    fields.remove("error");
    fields.remove("prv_name");
    QiwiNotification read = pullV2.read(form(fields), "127.0.0.1");
    assertThat(read.billId()).isEqualTo("bill-3");
    assertThat(read.status()).isEqualTo(BillStatus.PAID);
    assertThat(read.amount()).isEqualByComparingTo("7.00");
  }

  @ParameterizedTest(name = "error={0}")
  @ValueSource(strings = {"13", "-1", "", "none"})
  @DisplayName("a pull-v2 error, when present, must be 0: any other code or text is malformed, never a payment")
  void pullV2ErrorOtherThanZero(String error) {
    Map<String, String> fields = new LinkedHashMap<>(QiwiSender.pullV2("bill-4", "paid", "7.00"));
    fields.put("error", error);
    assertThatThrownBy(() -> pullV2.read(form(fields), "127.0.0.1")).isInstanceOf(NotificationReader.Malformed.class);
    fields.put("error", "0");
    assertThat(pullV2.read(form(fields), "127.0.0.1").status()).isEqualTo(BillStatus.PAID);
  }

  @Test
  @DisplayName("rest-v3 still requires error, as its documents list it")
  void restV3RequiresError() {
    Map<String, String> fields = restV3With("amount", "10.00");
    fields.remove("error");
    assertThatThrownBy(() -> restV3.read(form(fields), "127.0.0.1")).isInstanceOf(NotificationReader.Malformed.class);
  }
}
