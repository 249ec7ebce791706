package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox reads odd media types the way the gateway does: refused, never a crash (";" split to nothing once). */
@DisplayName("The sandbox refuses media types made of separators instead of failing on them")
class SandboxMediaTypeTest {

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {";", ";;", " ;"})
  @DisplayName("an Accept of separators only names no format (result 5)")
  void acceptOfSeparators(String accept) {
    assertThat(AnswerFormat.negotiate(List.of(accept))).isEmpty();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {";", ";;", " ;"})
  @DisplayName("a Content-Type of separators only is not a UTF-8 form")
  void contentTypeOfSeparators(String contentType) {
    assertThat(ProtocolValidator.isUtf8Form(List.of(contentType))).isFalse();
  }
}
