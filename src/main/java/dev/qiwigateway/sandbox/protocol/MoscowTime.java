package dev.qiwigateway.sandbox.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * QIWI's timestamps ({@code lifetime}, {@code payment_date}): local time at UTC+3 written without a
 * zone, to the second. Moscow has had no daylight saving since 2014, so a fixed offset is exact.
 */
public final class MoscowTime {

  private static final ZoneOffset UTC_PLUS_3 = ZoneOffset.ofHours(3);
  private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
  // STRICT refuses dates such as February 30 that a lenient parser would quietly move.
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

  private MoscowTime() {
  }

  public static Optional<Instant> parse(String text) {
    if (text == null || !SHAPE.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(text, FORMAT).toInstant(UTC_PLUS_3));
    } catch (DateTimeParseException impossibleDate) {
      return Optional.empty();
    }
  }

  public static String format(Instant instant) {
    return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), UTC_PLUS_3).format(FORMAT);
  }
}
