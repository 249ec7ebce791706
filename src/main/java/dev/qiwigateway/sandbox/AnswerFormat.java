package dev.qiwigateway.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The representation of an answer, chosen by the request's {@code Accept} as QIWI documents it
 * (docs/qiwi.md#operations): {@code text/json} or {@code application/json} for JSON, {@code text/xml} or
 * {@code application/xml} for XML, JSON when the header is absent. QIWI's own PHP example sends
 * {@code application/json}, so refusing it would make the sandbox stricter than QIWI.
 */
enum AnswerFormat {
  TEXT_JSON("text/json"),
  APPLICATION_JSON("application/json"),
  TEXT_XML("text/xml"),
  APPLICATION_XML("application/xml");

  private final String mediaType;

  AnswerFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /**
   * The format to answer in; empty when {@code Accept} names none of the four (result 5). The range
   * with the highest q wins, the first listed on a tie; q=0 excludes a type, and {@code *}{@code /*}
   * stands for JSON, as no header does.
   */
  static Optional<AnswerFormat> negotiate(List<String> acceptHeaders) {
    if (acceptHeaders.stream().allMatch(String::isBlank)) {
      return Optional.of(TEXT_JSON);
    }
    AnswerFormat best = null;
    double bestQuality = 0;
    for (String header : acceptHeaders) {
      for (String range : header.split(",")) {
        String[] parts = range.split(";", -1);
        Optional<AnswerFormat> format = named(parts[0].trim().toLowerCase(Locale.ROOT));
        double quality = quality(parts);
        if (format.isPresent() && quality > bestQuality) {
          best = format.get();
          bestQuality = quality;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<AnswerFormat> named(String mediaType) {
    if (mediaType.equals("*/*")) {
      return Optional.of(TEXT_JSON);
    }
    for (AnswerFormat format : values()) {
      if (format.mediaType.equals(mediaType)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  /** The range's q parameter; 1 when absent, 0 (excluded) when it is not a number in 0..1. */
  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].trim().split("=", 2);
      if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("q")) {
        try {
          double q = Double.parseDouble(parameter[1].trim());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException notANumber) {
          return 0;
        }
      }
    }
    return 1;
  }

  String contentType() {
    return mediaType + "; charset=utf-8";
  }

  /** The answer body: the JSON as it is, or the same tree as XML elements ({@code <response><result_code>…}). */
  String render(JsonObject answer) {
    if (this == TEXT_JSON || this == APPLICATION_JSON) {
      return answer.encode();
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    appendElements(xml, answer);
    return xml.toString();
  }

  private static void appendElements(StringBuilder xml, JsonObject object) {
    for (Map.Entry<String, Object> field : object) {
      if (field.getValue() == null) {
        continue;
      }
      xml.append('<').append(field.getKey()).append('>');
      if (field.getValue() instanceof JsonObject nested) {
        appendElements(xml, nested);
      } else {
        appendText(xml, String.valueOf(field.getValue()));
      }
      xml.append("</").append(field.getKey()).append('>');
    }
  }

  private static void appendText(StringBuilder xml, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> xml.append("&amp;");
        case '<' -> xml.append("&lt;");
        case '>' -> xml.append("&gt;");
        case '"' -> xml.append("&quot;");
        default -> xml.append(c);
      }
    }
  }
}
