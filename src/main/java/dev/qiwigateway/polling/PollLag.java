package dev.qiwigateway.polling;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;

/** Reads the lag queries' one value: milliseconds since the oldest due check, null when none is due. */
final class PollLag {

  private PollLag() {
  }

  static Duration fromMillisRow(RowSet<Row> rows) {
    Long millis = rows.iterator().next().getLong(0);
    return millis == null || millis < 0 ? Duration.ZERO : Duration.ofMillis(millis);
  }
}
