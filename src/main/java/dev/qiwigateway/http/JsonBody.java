package dev.qiwigateway.http;

import dev.qiwigateway.http.Problem;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/**
 * Reads a merchant API request body strictly: JSON only, an object at the top, no duplicate members
 * (a duplicate "amount" must never be resolved silently in either direction). Numbers keep their exact
 * decimal value, though amounts are strings by contract.
 */
public final class JsonBody {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonBody() {
  }

  /** The body as an object; an absent body is an empty object when {@code required} is false. */
  public static JsonObject read(RoutingContext ctx, boolean required) {
    Buffer body = ctx.body().buffer();
    boolean empty = body == null || body.length() == 0;
    if (empty && !required) {
      return new JsonObject();
    }
    if (!isJson(ctx.request().getHeader("Content-Type"))) {
      throw Problem.of(415, "unsupported_media_type", "Unsupported media type", "The request body must be application/json.");
    }
    if (empty) {
      throw malformed("The request body is empty.");
    }
    return parseObject(body);
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] param = parts[i].trim().split("=", 2);
      if (param[0].trim().equalsIgnoreCase("charset") && param.length == 2
          && !param[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
        return false;
      }
    }
    return true;
  }

  public static JsonObject parseObject(Buffer body) {
    try (JsonParser parser = FACTORY.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw malformed("The request body must be a JSON object.");
      }
      JsonObject object = readObject(parser);
      if (parser.nextToken() != null) {
        throw malformed("The request body has content after the JSON object.");
      }
      return object;
    } catch (IOException e) {
      throw malformed(e.getMessage() != null && e.getMessage().contains("Duplicate field")
          ? "The request body repeats a member." : "The request body is not valid JSON.");
    }
  }

  private static JsonObject readObject(JsonParser parser) throws IOException {
    JsonObject object = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      object.put(name, readValue(parser, parser.nextToken()));
    }
    return object;
  }

  private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw malformed("The request body is not valid JSON.");
    }
    return switch (token) {
      case START_OBJECT -> readObject(parser);
      case START_ARRAY -> {
        JsonArray array = new JsonArray();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(readValue(parser, next));
        }
        yield array;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw malformed("The request body is not valid JSON.");
    };
  }

  private static Problem malformed(String detail) {
    return Problem.of(400, "malformed_request", "Malformed request", detail);
  }
}
