package dev.qiwigateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Which Content-Type a merchant API body may carry")
class JsonBodyMediaTypeTest {

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"application/json", "Application/JSON", "application/json; charset=utf-8",
      "application/json;charset=\"UTF-8\"", "application/json;"})
  @DisplayName("JSON in UTF-8, however spelled, is JSON")
  void json(String contentType) {
    assertThat(JsonBody.isJson(contentType)).isTrue();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {";", ";;", "", " ", "text/plain", "application/json; charset=utf-16", ";application/json"})
  @DisplayName("anything else is not JSON (a 415), and never a crash")
  void notJson(String contentType) {
    // ";" split to nothing once, and POST /v1/bills answered 500 (PublicPortPropertyTest found it).
    assertThat(JsonBody.isJson(contentType)).isFalse();
  }
}
