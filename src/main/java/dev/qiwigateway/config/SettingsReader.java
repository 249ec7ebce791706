package dev.qiwigateway.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads flat settings (environment-variable names as keys) and collects every problem instead of
 * stopping at the first, so an operator fixes a broken deployment in one round. Messages name the
 * setting and never echo its value: a malformed secret must not end up in a crash log.
 */
final class SettingsReader {

  private final JsonObject source;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> defaults = new TreeMap<>();

  SettingsReader(JsonObject source) {
    this.source = source;
  }

  List<String> problems() {
    return problems;
  }

  /** The default of every setting read so far that has one, as text: the settings classes are its one source. */
  Map<String, String> defaults() {
    return Map.copyOf(defaults);
  }

  private void recordDefault(String name, Object fallback) {
    if (fallback != null) {
      defaults.put(name, String.valueOf(fallback));
    }
  }

  void problem(String name, String message) {
    problems.add(name + ": " + message);
  }

  /** Blank counts as absent: an empty variable in a manifest means "not set", not "set to nothing". */
  String optional(String name) {
    Object value = source.getValue(name);
    if (value == null) {
      return null;
    }
    String text = String.valueOf(value).trim();
    return text.isEmpty() ? null : text;
  }

  String string(String name, String fallback) {
    recordDefault(name, fallback);
    String value = optional(name);
    return value == null ? fallback : value;
  }

  String required(String name, boolean isRequired) {
    String value = optional(name);
    if (value == null && isRequired) {
      problem(name, "required but not set");
    }
    return value;
  }

  int integer(String name, int fallback, int min, int max) {
    recordDefault(name, fallback);
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problem(name, "must be a whole number from " + min + " to " + max);
    return fallback;
  }

  int port(String name, int fallback) {
    return integer(name, fallback, 0, 65535);
  }

  Duration duration(String name, Duration fallback) {
    recordDefault(name, fallback);
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      Duration parsed = Duration.parse(value);
      if (!parsed.isNegative() && !parsed.isZero()) {
        return parsed;
      }
    } catch (DateTimeParseException ignored) {
      // reported below
    }
    problem(name, "must be a positive ISO 8601 duration such as P7D or PT12H");
    return fallback;
  }

  <T> T parsed(String name, String fallback, Function<String, T> parser, String expectation) {
    String value = string(name, fallback);
    if (value == null) {
      return null;
    }
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      problem(name, expectation);
      return fallback == null ? null : parser.apply(fallback);
    }
  }

  List<String> list(String name, String fallback) {
    String value = string(name, fallback);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
