package dev.qiwigateway.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The transactional outbox (gateway-api.md §5): an event is written by the same transaction that
 * records the status it announces, so there is never a status without its event or an event without
 * its status.
 */
public final class EventStore {

  private static final String INSERT = "INSERT INTO event (id, merchant_id, type, bill_id, refund_id, payload) "
      + "VALUES ($1, $2, $3, $4, $5, $6)";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private EventStore() {
  }

  /** Appends the event inside the caller's transaction; {@code data} is the bill or refund resource. */
  public static Future<JsonObject> append(SqlClient tx, String merchantId, String type, String billId, String refundId,
      JsonObject data) {
    String id = newId();
    JsonObject event = new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("createdAt", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)))
        .put("data", data);
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(id, merchantId, type, billId, refundId, event))
        .map(event);
  }

  static String newId() {
    char[] id = new char[24];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return "evt_" + new String(id);
  }
}
