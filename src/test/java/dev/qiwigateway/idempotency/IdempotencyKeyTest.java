package dev.qiwigateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qiwigateway.http.Problem;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

  @Test
  @DisplayName("a well-formed key is kept exactly, scoped to the merchant that sent it")
  void wellFormedKey() {
    assertThat(IdempotencyKey.fromHeaders("shop-1", List.of("order-1842:try 1")))
        .isEqualTo(new IdempotencyKey("shop-1", "order-1842:try 1"))
        .isNotEqualTo(new IdempotencyKey("shop-2", "order-1842:try 1"));
    assertThat(IdempotencyKey.fromHeaders("shop-1", List.of("x".repeat(255))).value()).hasSize(255);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "   ", "order\u00e9", "order\u0007", "order\t1", "order\u007f"})
  @DisplayName("an empty, non-ASCII or non-printable key is refused as idempotency_key_invalid")
  void malformedKeyRefused(String value) {
    assertInvalid(List.of(value));
  }

  @Test
  @DisplayName("a key that is missing, longer than 255 characters, or sent twice is refused as idempotency_key_invalid")
  void missingLongOrRepeatedRefused() {
    assertInvalid(null);
    assertInvalid(List.of());
    assertInvalid(List.of("x".repeat(256)));
    assertInvalid(Arrays.asList("a", "a"));
  }

  private static void assertInvalid(List<String> headerValues) {
    assertThatThrownBy(() -> IdempotencyKey.fromHeaders("shop-1", headerValues))
        .isInstanceOfSatisfying(Problem.class, problem -> {
          assertThat(problem.status()).isEqualTo(400);
          assertThat(problem.code()).isEqualTo("idempotency_key_invalid");
        });
  }
}
