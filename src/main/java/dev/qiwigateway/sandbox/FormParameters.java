package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.FieldRules;
import dev.qiwigateway.sandbox.protocol.MoscowTime;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/** The query parameters of QIWI's web-form links as the forms read them; a value a form cannot take refuses the link. */
final class FormParameters {

  private static final Pattern PHONE = Pattern.compile("\\+?(\\d{1,15})");
  private static final List<DateTimeFormatter> LIFETIMES = List.of(
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmm"), DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"));

  private FormParameters() {
  }

  /** Why a link is refused: the HTTP status and the message on the buyer's error page. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** A parameter's value; an empty one counts as absent, as QIWI's SDKs send empty optional parameters. */
  static String present(MultiMap query, String name) {
    String value = query.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /** The wallet in international format, with or without QIWI's {@code tel:} prefix; null when not given. */
  static String phone(String text) {
    if (text == null) {
      return null;
    }
    String digits = text.startsWith("tel:") ? text.substring(4) : text;
    var matcher = PHONE.matcher(digits);
    if (!matcher.matches()) {
      throw new Refused(400, "The phone must be in international format, such as +79031234567.");
    }
    return "tel:+" + matcher.group(1);
  }

  static String comment(MultiMap query, String... names) {
    for (String name : names) {
      String comment = present(query, name);
      if (comment != null) {
        if (!FieldRules.isComment(comment)) {
          throw new Refused(400, "The comment may have at most 255 characters.");
        }
        return comment;
      }
    }
    return null;
  }

  /** QIWI's forms write the lifetime {@code YYYY-MM-DDThhmm} at Moscow time; absent, the longest allowed. */
  static Instant lifetime(String text, SandboxSettings settings) {
    if (text == null) {
      return settings.clock().instant().plus(settings.maxLifetime()).minusSeconds(60);
    }
    for (DateTimeFormatter format : LIFETIMES) {
      try {
        return LocalDateTime.parse(text, format).toInstant(ZoneOffset.ofHours(3));
      } catch (DateTimeParseException tryNext) {
        // the next accepted shape
      }
    }
    return MoscowTime.parse(text).orElseThrow(() -> new Refused(400, "lifetime must be YYYY-MM-DDThhmm."));
  }
}
