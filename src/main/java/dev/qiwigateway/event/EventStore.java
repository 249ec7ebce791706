package dev.qiwigateway.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The transactional outbox (docs/api.md#events): an event is written by the same transaction that
 * records the status it announces, so there is never a status without its event or an event without
 * its status.
 */
public final class EventStore {

  private static final String INSERT = "INSERT INTO event (id, merchant_id, type, bill_id, refund_id, payload) "
      + "VALUES ($1, $2, $3, $4, $5, $6)";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ID_CHARS = 24;
  /** 124 random bits: as many as 24 base-36 digits hold (36^24 is just above 2^124). */
  private static final int ID_BYTES = 16;

  /**
   * An event to append: {@code data} is the bill or refund resource it announces.
   *
   * @param refundId null for a bill event
   */
  public record Draft(String merchantId, String type, String billId, String refundId, JsonObject data) {
  }

  private EventStore() {
  }

  /** Appends the event inside the caller's transaction. */
  public static Future<JsonObject> append(SqlClient tx, Draft draft) {
    JsonObject event = envelope(draft);
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(event.getString("id"), draft.merchantId(), draft.type(), draft.billId(), draft.refundId(),
            event))
        .map(event);
  }

  private static JsonObject envelope(Draft draft) {
    return new JsonObject()
        .put("id", newId())
        .put("type", draft.type())
        .put("createdAt", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)))
        .put("data", draft.data());
  }

  /** {@code evt_} and 24 base-36 digits from one draw of the system's secure generator. */
  public static String newId() {
    byte[] random = new byte[ID_BYTES];
    RANDOM.nextBytes(random);
    random[0] &= 0x0f;
    String digits = new BigInteger(1, random).toString(36);
    return "evt_" + "0".repeat(ID_CHARS - digits.length()) + digits;
  }
}
