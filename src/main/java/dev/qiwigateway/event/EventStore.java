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
import java.util.List;

/**
 * The transactional outbox (docs/api.md#events): an event is written by the same transaction that
 * records the status it announces, so there is never a status without its event or an event without
 * its status.
 */
public final class EventStore {

  private static final String INSERT = "INSERT INTO event (id, merchant_id, type, bill_id, refund_id, payload) "
      + "VALUES ($1, $2, $3, $4, $5, $6)";
  /** INSERT for a whole batch in one statement; unnest keeps the drafts' order. */
  private static final String INSERT_ALL = "INSERT INTO event (id, merchant_id, type, bill_id, refund_id, payload) "
      + "SELECT id, merchant_id, type, bill_id, refund_id, payload::jsonb FROM unnest($1::text[], $2::text[], "
      + "$3::text[], $4::text[], $5::text[], $6::text[]) AS drafts(id, merchant_id, type, bill_id, refund_id, payload)";
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

  /** Appends all the events, in the order given, inside the caller's transaction, in one statement. */
  public static Future<Void> appendAll(SqlClient tx, List<Draft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = drafts.size();
    String[] ids = new String[n];
    String[] merchants = new String[n];
    String[] types = new String[n];
    String[] billIds = new String[n];
    String[] refundIds = new String[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      Draft draft = drafts.get(i);
      JsonObject event = envelope(draft);
      ids[i] = event.getString("id");
      merchants[i] = draft.merchantId();
      types[i] = draft.type();
      billIds[i] = draft.billId();
      refundIds[i] = draft.refundId();
      payloads[i] = event.encode();
    }
    return tx.preparedQuery(INSERT_ALL).execute(Tuple.tuple().addArrayOfString(ids).addArrayOfString(merchants)
            .addArrayOfString(types).addArrayOfString(billIds).addArrayOfString(refundIds).addArrayOfString(payloads))
        .mapEmpty();
  }

  private static JsonObject envelope(Draft draft) {
    return new JsonObject()
        .put("id", newId())
        .put("type", draft.type())
        .put("createdAt", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)))
        .put("data", draft.data());
  }

  /** {@code evt_} and 24 base-36 digits from one draw of the system's secure generator. */
  static String newId() {
    byte[] random = new byte[ID_BYTES];
    RANDOM.nextBytes(random);
    random[0] &= 0x0f;
    String digits = new BigInteger(1, random).toString(36);
    return "evt_" + "0".repeat(ID_CHARS - digits.length()) + digits;
  }
}
