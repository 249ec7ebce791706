package dev.qiwigateway.notification;

import dev.qiwigateway.domain.Money;
import dev.qiwigateway.event.EventStore;
import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.List;

/**
 * Records a batch of notifications and applies what they say in ONE statement, committed on its own
 * (docs/architecture.md#qiwi-notifications): lock the bills they name, decide every verdict, move
 * waiting bills through the arbiter's compare-and-set with their events, record one inbox row per
 * notification, and bring forward the first status check of bills whose issue is not yet confirmed
 * here. Either all of it commits or none of it does, and a notification is answered only after.
 *
 * <p>Why one statement: a batch used to take seven messages (begin, lock, move, events, inbox rows,
 * check, commit) and four round trips; their fixed cost, paid per batch, dominated the cost of a
 * notification. The statement text never changes with the batch size, so it stays one cached plan.
 *
 * <p>The rules, as the statement applies them to each notification in arrival order:
 * <ul>
 *   <li>{@code mismatch}: the body names another shop, or amount/currency differ from the bill's;</li>
 *   <li>{@code unknown_bill}: no bill, or its issue at QIWI is not confirmed here yet;</li>
 *   <li>{@code applied}: the first notification that moves a waiting bill to another status;</li>
 *   <li>{@code duplicate}: the bill has that status already (the moves earlier in the batch included);</li>
 *   <li>{@code stale}: the bill is final with another status.</li>
 * </ul>
 * The bill rows are read {@code FOR NO KEY UPDATE}, which waits for a concurrent writer and then returns
 * the row it committed, so every verdict is decided on the bill's current status, and the move is the
 * arbiter's own compare-and-set ({@code status = 'waiting' AND issue_state = 'issued'}). The event's
 * body is the bill resource of {@link dev.qiwigateway.bill.Bill#toJson()}, built here from the moved row:
 * {@code NotificationInboxTest} holds the two representations equal.
 */
public final class NotificationInbox {

  private static final String ISO_SECONDS = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

  private static String utc(String column) {
    return "to_char(" + column + " AT TIME ZONE 'UTC', " + ISO_SECONDS + ")";
  }

  static final String RECORD = "WITH arrived AS MATERIALIZED (SELECT * FROM unnest($1::text[], $2::text[], "
      + "$3::numeric[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], "
      + "$11::text[], $12::text[]) WITH ORDINALITY AS a(bill_id, status, amount, currency, dialect, prv_id, "
      + "source_address, raw_body, shop_ok, event_id, amount_text, zero_text, ord)), "
      // Sorted, so two batches never deadlock on each other's bills.
      + "locked AS MATERIALIZED (SELECT bill_id, amount AS bill_amount, currency AS bill_currency, "
      + "status AS bill_status, issue_state FROM bill WHERE bill_id IN (SELECT bill_id FROM arrived) "
      + "ORDER BY bill_id FOR NO KEY UPDATE), "
      + "checked AS MATERIALIZED (SELECT a.*, l.bill_status, l.issue_state, CASE "
      + "WHEN NOT a.shop_ok THEN 'mismatch' "
      + "WHEN l.bill_id IS NULL OR l.issue_state <> 'issued' THEN 'unknown_bill' "
      + "WHEN a.amount <> l.bill_amount OR a.currency <> l.bill_currency THEN 'mismatch' END AS refusal, CASE "
      + "WHEN NOT a.shop_ok THEN 'prv_id ' || a.prv_id || ' is not this shop' "
      + "WHEN l.bill_id IS NULL THEN 'no such bill' "
      + "WHEN l.issue_state <> 'issued' THEN 'the bill''s issue at QIWI is not confirmed here' "
      + "WHEN a.amount <> l.bill_amount THEN 'amount ' || a.amount || ' differs from the bill''s ' || l.bill_amount "
      + "WHEN a.currency <> l.bill_currency THEN 'currency ' || a.currency || ' differs from the bill''s ' "
      + "|| l.bill_currency END AS refusal_detail FROM arrived a LEFT JOIN locked l USING (bill_id)), "
      + "movers AS MATERIALIZED (SELECT DISTINCT ON (bill_id) bill_id, ord AS move_ord, status AS move_status "
      + "FROM checked WHERE refusal IS NULL AND bill_status = 'waiting' AND status <> 'waiting' "
      + "ORDER BY bill_id, ord), "
      // The arbiter's compare-and-set, as BillStore.applyStatus writes it.
      + "moved AS (UPDATE bill SET status = move_status, status_changed_at = now(), qiwi_checked_at = now(), "
      + "updated_at = now(), next_poll_at = NULL FROM movers WHERE bill.bill_id = movers.bill_id "
      + "AND bill.status = 'waiting' AND bill.issue_state = 'issued' RETURNING bill.*, movers.move_ord), "
      + "decided AS (SELECT c.*, CASE WHEN c.refusal IS NOT NULL THEN c.refusal "
      + "WHEN c.ord = m.move_ord THEN 'applied' "
      + "WHEN c.status = CASE WHEN c.ord > m.move_ord THEN m.move_status ELSE c.bill_status END THEN 'duplicate' "
      + "ELSE 'stale' END AS verdict, m.move_ord, m.move_status "
      + "FROM checked c LEFT JOIN (SELECT bill_id, move_ord, status AS move_status FROM moved) m USING (bill_id)), "
      + "inbox AS (INSERT INTO notification_inbox (bill_id, status, amount, currency, dialect, prv_id, "
      + "source_address, raw_body, verdict, detail) SELECT bill_id, status, amount, currency, dialect, prv_id, "
      + "source_address, raw_body, verdict, CASE WHEN verdict = 'stale' THEN 'the bill is already ' "
      + "|| CASE WHEN ord > move_ord THEN move_status ELSE bill_status END ELSE refusal_detail END "
      + "FROM decided ORDER BY ord), "
      + "announced AS (INSERT INTO event (id, merchant_id, type, bill_id, payload) "
      + "SELECT a.event_id, m.merchant_id, 'bill.' || m.status, m.bill_id, jsonb_build_object("
      + "'id', a.event_id, 'type', 'bill.' || m.status, 'createdAt', " + utc("now()") + ", 'data', "
      + "jsonb_strip_nulls(jsonb_build_object('billId', m.bill_id, 'status', m.status, 'amount', a.amount_text, "
      + "'currency', m.currency, 'customer', m.customer, 'comment', m.comment, "
      + "'expiresAt', " + utc("m.expires_at") + ", 'payUrl', m.pay_url, "
      + "'createdAt', " + utc("m.created_at") + ", 'updatedAt', " + utc("m.updated_at") + ", "
      + "'refunded', a.zero_text, 'paySource', m.pay_source, 'providerName', m.provider_name, "
      + "'successUrl', m.success_url, 'failUrl', m.fail_url))) "
      + "FROM moved m JOIN arrived a ON a.ord = m.move_ord), "
      // A payment that raced its bill's issue is checked as soon as the issue is recorded (BillStore.markIssued).
      + "hastened AS (UPDATE bill SET next_poll_at = now() WHERE bill_id IN "
      + "(SELECT bill_id FROM checked WHERE issue_state = 'pending') AND issue_state = 'pending') "
      + "SELECT verdict FROM decided ORDER BY ord";

  private final Pool pool;

  public NotificationInbox(Pool pool) {
    this.pool = pool;
  }

  /** The verdict of each notification, in the order given, once committed. */
  Future<List<Verdict>> record(List<QiwiNotification> batch) {
    return pool.preparedQuery(RECORD).execute(arguments(batch)).map(NotificationInbox::verdicts);
  }

  static Tuple arguments(List<QiwiNotification> batch) {
    int n = batch.size();
    String[] billIds = new String[n];
    String[] statuses = new String[n];
    BigDecimal[] amounts = new BigDecimal[n];
    String[] currencies = new String[n];
    String[] dialects = new String[n];
    String[] prvIds = new String[n];
    String[] sources = new String[n];
    String[] bodies = new String[n];
    Boolean[] shopMatches = new Boolean[n];
    String[] eventIds = new String[n];
    String[] amountTexts = new String[n];
    String[] zeroTexts = new String[n];
    for (int i = 0; i < n; i++) {
      QiwiNotification notification = batch.get(i);
      billIds[i] = notification.billId();
      statuses[i] = notification.status().wireName();
      amounts[i] = notification.amount();
      currencies[i] = notification.currency();
      dialects[i] = notification.dialect().configName();
      prvIds[i] = notification.prvId();
      sources[i] = notification.sourceAddress();
      bodies[i] = notification.rawBody();
      shopMatches[i] = notification.shopMatches();
      // Used only by the notification that moves its bill, whose amount equals the bill's.
      eventIds[i] = EventStore.newId();
      amountTexts[i] = Money.format(notification.amount(), notification.currency());
      zeroTexts[i] = Money.format(BigDecimal.ZERO, notification.currency());
    }
    return Tuple.tuple().addArrayOfString(billIds).addArrayOfString(statuses).addArrayOfBigDecimal(amounts)
        .addArrayOfString(currencies).addArrayOfString(dialects).addArrayOfString(prvIds).addArrayOfString(sources)
        .addArrayOfString(bodies).addArrayOfBoolean(shopMatches).addArrayOfString(eventIds)
        .addArrayOfString(amountTexts).addArrayOfString(zeroTexts);
  }

  private static List<Verdict> verdicts(RowSet<Row> rows) {
    Verdict[] verdicts = new Verdict[rows.size()];
    int i = 0;
    for (Row row : rows) {
      verdicts[i++] = Verdict.fromDb(row.getString(0));
    }
    return List.of(verdicts);
  }
}
