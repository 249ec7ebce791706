package dev.qiwigateway.openapi;

import dev.qiwigateway.ops.OpenApiDocument;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonFormatValidator;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The merchant API's OpenAPI document as the tests hold the gateway to it: every real answer is looked
 * up by method, path and status and must carry the headers and the body the document declares.
 *
 * <p>vertx-openapi 5.0.7 validates the document against the OpenAPI 3.1 meta-schema and inlines its
 * {@code $ref}s, but its {@code OpenAPIContract} refuses responses in {@code application/problem+json}
 * (only {@code application/json}, {@code hal+json} and {@code vnd.*+json} pass), so the lookup is done
 * here and bodies are checked with vertx-json-schema (draft 2020-12, formats asserted).
 *
 * <p>The document's object schemas stay open for clients (they must ignore unknown members); here they
 * are checked closed, so a member the gateway sends but the document does not describe fails the test.
 */
final class ApiContract {

  /** The headers the document speaks about: one the gateway sends where it is not declared is a disagreement. */
  static final Set<String> API_HEADERS = Set.of("Location", "Retry-After", "Idempotent-Replayed", "WWW-Authenticate",
      "X-Request-Id");

  private static final String BASE_URI = "app://";
  private static final JsonSchemaOptions SCHEMA_OPTIONS = new JsonSchemaOptions()
      .setDraft(Draft.DRAFT202012)
      .setBaseUri(BASE_URI)
      .setOutputFormat(OutputFormat.Basic);

  private final JsonObject resolved;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  private ApiContract(JsonObject resolved) {
    this.resolved = resolved;
  }

  /** The document shipped in the jar, checked against the OpenAPI 3.1 meta-schema, its references inlined. */
  static Future<ApiContract> load(Vertx vertx) {
    return load(vertx, readDocument());
  }

  /** {@code yaml} as an OpenAPI 3.1 document, checked against the 3.1 meta-schema, its references inlined. */
  static Future<ApiContract> load(Vertx vertx, String yaml) {
    JsonObject raw = parseYaml(yaml);
    OpenAPIVersion version = OpenAPIVersion.fromContract(raw);
    if (version != OpenAPIVersion.V3_1) {
      return Future.failedFuture(new AssertionError("openapi.yaml is OpenAPI " + raw.getString("openapi")));
    }
    return version.getRepository(vertx, BASE_URI)
        .compose(repository -> version.validateContract(vertx, repository, raw)
            .compose(report -> Boolean.TRUE.equals(report.getValid())
                ? version.resolve(vertx, repository, raw)
                : Future.failedFuture(new AssertionError("openapi.yaml is not valid OpenAPI 3.1: " + report.toJson()))))
        .map(resolved -> new ApiContract(resolved.copy()));
  }

  static String readDocument() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OpenApiDocument.RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** YAML to JSON with the safe constructor: no tags, no objects, keys as strings. */
  static JsonObject parseYaml(String yaml) {
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (!(document instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("the YAML document is not a mapping");
    }
    return (JsonObject) toJson(map);
  }

  /** Every documented operation as "METHOD /path" with its operationId, in document order. */
  Map<String, String> operations() {
    Map<String, String> operations = new LinkedHashMap<>();
    JsonObject paths = resolved.getJsonObject("paths");
    for (String path : names(paths)) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : names(item)) {
        if (item.getValue(method) instanceof JsonObject operation && operation.containsKey("responses")) {
          operations.put(method.toUpperCase(Locale.ROOT) + " " + path, operation.getString("operationId"));
        }
      }
    }
    return operations;
  }

  /** "operationId status" for every response the document declares for the operations given. */
  Set<String> documentedResponses(Set<String> operationIds) {
    Set<String> documented = new TreeSet<>();
    JsonObject paths = resolved.getJsonObject("paths");
    for (String path : names(paths)) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : names(item)) {
        if (item.getValue(method) instanceof JsonObject operation && operationIds.contains(operation.getString("operationId"))) {
          names(operation.getJsonObject("responses"))
              .forEach(status -> documented.add(operation.getString("operationId") + " " + status));
        }
      }
    }
    return documented;
  }

  /** "operationId status" of every answer checked so far. */
  Set<String> seen() {
    return new TreeSet<>(seen);
  }

  /**
   * Every way the real exchange disagrees with the document; empty when it conforms.
   *
   * @param target      the request's path and query
   * @param requestBody the JSON body sent, or null; a request the gateway accepted must be one the document allows
   */
  List<String> violations(HttpMethod method, String target, Object requestBody, HttpResponse<Buffer> response) {
    List<String> violations = new ArrayList<>();
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    Optional<JsonObject> found = operation(method, path);
    if (found.isEmpty()) {
      violations.add("the document has no operation " + method.name() + " " + path);
      return violations;
    }
    JsonObject operation = found.get();
    String operationId = operation.getString("operationId");
    JsonObject answer = response(operation, response.statusCode());
    if (answer == null) {
      violations.add(operationId + " does not document status " + response.statusCode());
      return violations;
    }
    seen.add(operationId + " " + response.statusCode());
    checkHeaders(answer.getJsonObject("headers", new JsonObject()), response, violations);
    checkBody(answer.getJsonObject("content"), response, violations);
    if (response.statusCode() / 100 == 2 && requestBody != null) {
      checkRequestBody(operation, requestBody, violations);
    }
    return violations;
  }

  private Optional<JsonObject> operation(HttpMethod method, String path) {
    JsonObject paths = resolved.getJsonObject("paths");
    for (String template : names(paths)) {
      if (templatePattern(template).matcher(path).matches()) {
        return Optional.ofNullable(paths.getJsonObject(template).getJsonObject(method.name().toLowerCase(Locale.ROOT)));
      }
    }
    return Optional.empty();
  }

  private static Pattern templatePattern(String template) {
    StringBuilder regex = new StringBuilder();
    Matcher parameter = Pattern.compile("\\{[^}]+}").matcher(template);
    int last = 0;
    while (parameter.find()) {
      regex.append(Pattern.quote(template.substring(last, parameter.start()))).append("[^/]+");
      last = parameter.end();
    }
    return Pattern.compile(regex.append(Pattern.quote(template.substring(last))).toString());
  }

  /** The exact status, else its class ("4XX"), else "default", as OpenAPI picks them. */
  private static JsonObject response(JsonObject operation, int status) {
    JsonObject responses = operation.getJsonObject("responses");
    JsonObject exact = responses.getJsonObject(String.valueOf(status));
    if (exact != null) {
      return exact;
    }
    JsonObject range = responses.getJsonObject(status / 100 + "XX");
    return range != null ? range : responses.getJsonObject("default");
  }

  private void checkHeaders(JsonObject declared, HttpResponse<Buffer> response, List<String> violations) {
    for (String name : names(declared)) {
      JsonObject header = declared.getJsonObject(name);
      String value = response.getHeader(name);
      if (value == null) {
        if (header.getBoolean("required", false)) {
          violations.add("required header " + name + " is missing");
        }
        continue;
      }
      Object typed = typed(value, header.getJsonObject("schema"));
      if (typed == null) {
        violations.add("header " + name + ": '" + value + "' is not a " + header.getJsonObject("schema").getString("type"));
      } else {
        validate(header.getJsonObject("schema"), typed, false).forEach(e -> violations.add("header " + name + ": " + e));
      }
    }
    for (String name : API_HEADERS) {
      boolean isDeclared = names(declared).stream().anyMatch(name::equalsIgnoreCase);
      if (!isDeclared && response.getHeader(name) != null) {
        violations.add("header " + name + " is sent but not declared for this response");
      }
    }
  }

  /** A header value as its schema's type (simple style); null when it is not one. */
  private static Object typed(String value, JsonObject schema) {
    String type = schema.getString("type", "string");
    try {
      return switch (type) {
        case "integer" -> Long.parseLong(value.trim());
        case "number" -> new java.math.BigDecimal(value.trim());
        case "boolean" -> value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : null;
        default -> value;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void checkBody(JsonObject content, HttpResponse<Buffer> response, List<String> violations) {
    Buffer body = response.body();
    boolean empty = body == null || body.length() == 0;
    if (content == null || content.isEmpty()) {
      if (!empty) {
        violations.add("a body is sent but the document declares none");
      }
      return;
    }
    String contentType = response.getHeader("Content-Type");
    if (contentType == null) {
      violations.add("Content-Type is missing");
      return;
    }
    String[] parts = contentType.split(";");
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].trim().split("=", 2);
      if (parameter[0].equalsIgnoreCase("charset") && !parameter[1].trim().equalsIgnoreCase("utf-8")) {
        violations.add("Content-Type " + contentType + " is not UTF-8");
      }
    }
    JsonObject declared = names(content).stream()
        .filter(key -> key.split(";")[0].trim().equalsIgnoreCase(mediaType))
        .findFirst().map(content::getJsonObject).orElse(null);
    if (declared == null) {
      violations.add("Content-Type " + mediaType + " is not one of " + names(content));
      return;
    }
    if (empty) {
      violations.add("the body is empty");
      return;
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      violations.add("the body is not JSON: " + body);
      return;
    }
    validate(declared.getJsonObject("schema"), json, true).forEach(e -> violations.add("body " + e));
  }

  private void checkRequestBody(JsonObject operation, Object requestBody, List<String> violations) {
    JsonObject declared = operation.getJsonObject("requestBody");
    JsonObject json = declared == null ? null : declared.getJsonObject("content").getJsonObject("application/json");
    if (json == null) {
      violations.add("the gateway accepted a JSON body the document does not describe");
      return;
    }
    validate(json.getJsonObject("schema"), requestBody, false)
        .forEach(e -> violations.add("the gateway accepted a request body the document forbids: " + e));
  }

  private static List<String> validate(JsonObject schema, Object instance, boolean closed) {
    JsonObject checked = closed ? closeObjects(schema.copy()) : schema;
    OutputUnit result = Validator.create(JsonSchema.of(checked), SCHEMA_OPTIONS, JsonFormatValidator.DEFAULT_VALIDATOR)
        .validate(instance);
    List<String> errors = new ArrayList<>();
    if (!Boolean.TRUE.equals(result.getValid())) {
      List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
      units.forEach(unit -> errors.add("at '" + unit.getInstanceLocation() + "' (" + unit.getKeywordLocation() + "): "
          + unit.getError()));
    }
    return errors;
  }

  /** Every object schema that lists its properties admits no others (inside allOf branches too). */
  private static JsonObject closeObjects(JsonObject schema) {
    if ("object".equals(schema.getValue("type")) && schema.containsKey("properties")
        && !schema.containsKey("additionalProperties") && !schema.containsKey("unevaluatedProperties")) {
      schema.put("unevaluatedProperties", false);
    }
    for (String key : schema.fieldNames()) {
      if (key.equals("examples") || key.equals("enum") || key.equals("const")) {
        continue;
      }
      Object value = schema.getValue(key);
      if (value instanceof JsonObject nested) {
        closeObjects(nested);
      } else if (value instanceof JsonArray array) {
        array.forEach(item -> {
          if (item instanceof JsonObject nested) {
            closeObjects(nested);
          }
        });
      }
    }
    return schema;
  }

  /** Member names without the resolver's own annotations ({@code __absolute_uri__}). */
  private static List<String> names(JsonObject object) {
    return object.fieldNames().stream().filter(name -> !name.startsWith("__")).toList();
  }

  private static Object toJson(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, value) -> object.put(String.valueOf(key), toJson(value)));
      return object;
    }
    if (yaml instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    return yaml;
  }
}
