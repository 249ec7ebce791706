package dev.qiwigateway.idempotency;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical text of a JSON body for fingerprints: members sorted by name at every depth, no
 * whitespace, numbers and strings as parsed. Two bodies that differ only in member order or
 * formatting are the same request.
 */
public final class CanonicalJson {

  private CanonicalJson() {
  }

  public static String encode(JsonObject json) {
    return sortedObject(json).encode();
  }

  private static JsonObject sortedObject(JsonObject json) {
    Map<String, Object> sorted = new TreeMap<>();
    json.forEach(member -> sorted.put(member.getKey(), sorted(member.getValue())));
    return new JsonObject(sorted);
  }

  private static JsonArray sortedArray(JsonArray json) {
    List<Object> items = new ArrayList<>(json.size());
    json.forEach(item -> items.add(sorted(item)));
    return new JsonArray(items);
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject object) {
      return sortedObject(object);
    }
    if (value instanceof JsonArray array) {
      return sortedArray(array);
    }
    return value;
  }
}
