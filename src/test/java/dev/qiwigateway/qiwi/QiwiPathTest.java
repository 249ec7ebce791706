package dev.qiwigateway.qiwi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Ids sent to QIWI stay one path segment each and never name another resource")
class QiwiPathTest {

  @Test
  @DisplayName("a bill id made only of dots is not a bill id")
  void dotsAloneAreRefused() {
    assertThat(QiwiIds.isBillId(".")).isFalse();
    assertThat(QiwiIds.isBillId("..")).isFalse();
    assertThat(QiwiIds.isBillId("...")).isFalse();
    assertThat(QiwiIds.isBillId("order.1842")).isTrue();
    assertThat(QiwiIds.isBillId(".hidden")).isTrue();
  }

  @Test
  @DisplayName("every id is percent-encoded as a path segment")
  void segmentsAreEncoded() {
    assertThat(QiwiDialect.REST_V3.billPath("2042", "a b/c?d#e")).isEqualTo("/api/v3/prv/bills/a%20b%2Fc%3Fd%23e");
    assertThat(QiwiDialect.PULL_V2.refundPath("20/42", "order-1842", "R%1"))
        .isEqualTo("/api/v2/prv/20%2F42/bills/order-1842/refund/R%251");
    assertThat(QiwiDialect.REST_V3.billPath("2042", "order_1842.x-y~z")).isEqualTo("/api/v3/prv/bills/order_1842.x-y~z");
  }
}
