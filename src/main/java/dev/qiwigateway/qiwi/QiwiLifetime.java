package dev.qiwigateway.qiwi;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** QIWI's local timestamps: Moscow time, {@code YYYY-MM-DDThh:mm:ss}, no zone suffix. */
public final class QiwiLifetime {

  /** Moscow has kept UTC+3 without daylight saving since 2014; the protocol names UTC+3 explicitly. */
  public static final ZoneId MOSCOW = ZoneOffset.ofHours(3);

  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private QiwiLifetime() {
  }

  public static String format(Instant instant) {
    return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), MOSCOW).format(FORMAT);
  }

  /** Parses a QIWI timestamp strictly; null when it is not exactly of the protocol's form. */
  public static Instant parse(String text) {
    if (text == null || text.length() != 19) {
      return null;
    }
    try {
      return LocalDateTime.parse(text, FORMAT).atZone(MOSCOW).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
