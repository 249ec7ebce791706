package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problems;
import dev.qiwigateway.http.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The final answer to an idempotent request, stored with its key and replayed byte for byte.
 * {@code headers} are the ones that belong to the answer (Content-Type, Location), not per-request
 * ones such as X-Request-Id.
 */
public record StoredResponse(int status, Map<String, String> headers, Buffer body) {

  public static final String JSON = "application/json; charset=utf-8";

  public StoredResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = Objects.requireNonNull(body, "body").copy();
  }

  public static StoredResponse json(int status, JsonObject body) {
    return new StoredResponse(status, Map.of(HttpHeaders.CONTENT_TYPE.toString(), JSON), body.toBuffer());
  }

  /** A problem that is a final answer (e.g. 422 provider_rejected), stored and replayed like any other. */
  public static StoredResponse problem(Problem problem) {
    StoredResponse response = new StoredResponse(problem.status(),
        Map.of(HttpHeaders.CONTENT_TYPE.toString(), Problems.PROBLEM_JSON), problem.toJson().toBuffer());
    return problem.retryAfterSeconds() == null ? response
        : response.withHeader(HttpHeaders.RETRY_AFTER.toString(), String.valueOf(problem.retryAfterSeconds()));
  }

  public StoredResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new StoredResponse(status, more, body);
  }

  JsonObject headersJson() {
    return new JsonObject(new LinkedHashMap<>(headers));
  }

  static StoredResponse fromStored(int status, JsonObject headers, Buffer body) {
    Map<String, String> map = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach(header -> map.put(header.getKey(), String.valueOf(header.getValue())));
    }
    return new StoredResponse(status, map, body);
  }
}
