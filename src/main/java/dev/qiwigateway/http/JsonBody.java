package dev.qiwigateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a merchant API request body strictly: JSON only, UTF-8 only (no byte-order mark, no UTF-16 or
 * UTF-32, which the parser would otherwise detect and accept), an object at the top, no duplicate
 * members (a duplicate "amount" must never be resolved silently in either direction), and text that is
 * valid Unicode: a lone UTF-16 surrogate (an escape such as {@code "\udc00"}) would reach QIWI and the
 * database as {@code ?}, so it is refused as a field error. Numbers keep their exact decimal value,
 * though amounts are strings by contract. The handler reads a body once, here.
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
    // -1 keeps empty parts: ";" alone splits to nothing otherwise.
    String[] parts = contentType.split(";", -1);
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
    byte[] bytes = body.getBytes();
    if (!plainUtf8(bytes)) {
      throw malformed("The request body must be UTF-8 without a byte-order mark.");
    }
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw malformed("The request body must be a JSON object.");
      }
      JsonObject object = readObject(parser, null);
      if (parser.nextToken() != null) {
        throw malformed("The request body has content after the JSON object.");
      }
      return object;
    } catch (IOException e) {
      throw malformed(e.getMessage() != null && e.getMessage().contains("Duplicate field")
          ? "The request body repeats a member." : "The request body is not valid JSON.");
    }
  }

  /**
   * JSON text starts with ASCII (whitespace or the object's brace): a byte-order mark, or a zero byte
   * among the first four (UTF-16 or UTF-32, as the parser would detect them), is another encoding.
   */
  private static boolean plainUtf8(byte[] bytes) {
    if (bytes.length >= 2 && (bytes[0] & 0xff) >= 0xef) {
      return false; // EF BB BF (UTF-8's mark), FE FF and FF FE (UTF-16's); no JSON text starts with these bytes
    }
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      if (bytes[i] == 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code member}: the top-level member being read, which names a field error; null at the top. */
  private static JsonObject readObject(JsonParser parser, String member) throws IOException {
    JsonObject object = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      String field = member == null ? name : member;
      if (hasLoneSurrogate(name)) {
        throw notUnicode(member == null ? "(member name)" : member);
      }
      object.put(name, readValue(parser, parser.nextToken(), field));
    }
    return object;
  }

  private static Object readValue(JsonParser parser, JsonToken token, String field) throws IOException {
    if (token == null) {
      throw malformed("The request body is not valid JSON.");
    }
    return switch (token) {
      case START_OBJECT -> readObject(parser, field);
      case START_ARRAY -> {
        JsonArray array = new JsonArray();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(readValue(parser, next, field));
        }
        yield array;
      }
      case VALUE_STRING -> {
        String text = parser.getText();
        if (hasLoneSurrogate(text)) {
          throw notUnicode(field);
        }
        yield text;
      }
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw malformed("The request body is not valid JSON.");
    };
  }

  static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static Problem notUnicode(String field) {
    return Problem.validation(List.of(new Problem.FieldError(field,
        "must be valid Unicode text: it holds a lone UTF-16 surrogate")));
  }

  private static Problem malformed(String detail) {
    return Problem.of(400, "malformed_request", "Malformed request", detail);
  }

  /** Collects every invalid field of a request so the caller can fix them all in one round. */
  public static final class FieldErrors {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
      errors.add(new Problem.FieldError(field, message));
    }

    /** A string member: absent is null; any other JSON type is an error. */
    public String string(JsonObject body, String field, boolean required) {
      Object value = body.getValue(field);
      if (value == null) {
        if (required) {
          add(field, "is required");
        }
        return null;
      }
      if (!(value instanceof String text)) {
        add(field, "must be a string");
        return null;
      }
      // PostgreSQL text and jsonb cannot hold U+0000: refuse it here rather than fail at the database.
      if (text.indexOf(0) >= 0) {
        add(field, "must not contain the character U+0000");
        return null;
      }
      return text;
    }

    public boolean isEmpty() {
      return errors.isEmpty();
    }

    /** Throws 400 validation_failed naming every invalid field, if there is one. */
    public void throwIfAny() {
      if (!errors.isEmpty()) {
        throw Problem.validation(errors);
      }
    }
  }
}
