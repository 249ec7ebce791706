package dev.qiwigateway.notification;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.notification.Verdict.BillSnapshot;
import dev.qiwigateway.notification.Verdict.Decision;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes a batch of notifications in one transaction: lock the bills they name (sorted, so two
 * batches never deadlock), decide every verdict, move bills through the arbiter (status + event),
 * and record one inbox row per notification; a notification about a bill whose issue is not yet
 * confirmed here also brings that bill's first status check forward. Either all of it commits or none
 * of it does.
 */
public final class NotificationInbox {

  /** NO KEY UPDATE: keeps the arbiter's writers out without blocking event inserts that reference the bill. */
  private static final String LOCK_BILLS = "SELECT bill_id, amount, currency, status, issue_state FROM bill "
      + "WHERE bill_id = ANY($1) ORDER BY bill_id FOR NO KEY UPDATE";
  /** The whole batch's rows in one statement: one executor run instead of one per row. unnest keeps their order. */
  private static final String INSERT = "INSERT INTO notification_inbox (bill_id, status, amount, currency, dialect, "
      + "prv_id, source_address, raw_body, verdict, detail) SELECT * FROM unnest($1::text[], $2::text[], "
      + "$3::numeric[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])";

  private final Pool pool;
  private final BillStore bills;

  public NotificationInbox(Pool pool, BillStore bills) {
    this.pool = pool;
    this.bills = bills;
  }

  /** The verdict of each notification, in the order given, once committed. */
  Future<List<Verdict>> record(List<QiwiNotification> batch) {
    int[] order = IntStream.range(0, batch.size()).boxed()
        .sorted(Comparator.comparing(i -> batch.get(i).billId()))
        .mapToInt(Integer::intValue).toArray();
    List<QiwiNotification> sorted = IntStream.of(order).mapToObj(batch::get).toList();
    return pool.withTransaction(tx -> write(tx, sorted))
        .map(decisions -> {
          Verdict[] verdicts = new Verdict[batch.size()];
          for (int i = 0; i < order.length; i++) {
            verdicts[order[i]] = decisions.get(i).verdict();
          }
          return List.of(verdicts);
        });
  }

  private Future<List<Decision>> write(SqlConnection tx, List<QiwiNotification> sorted) {
    String[] billIds = sorted.stream().map(QiwiNotification::billId).distinct().toArray(String[]::new);
    return tx.preparedQuery(LOCK_BILLS).execute(Tuple.tuple().addArrayOfString(billIds))
        .map(NotificationInbox::snapshots)
        .map(snapshots -> Verdict.decide(sorted, snapshots))
        // Sent together on the one connection: the inbox rows do not wait for the transitions' answers.
        .compose(decisions -> Future.all(
                applyTransitions(tx, decisions).compose(v -> bills.checkOnceIssued(tx, unknownBills(decisions))),
                insertRows(tx, decisions))
            .map(decisions));
  }

  /** The arbiter's compare-and-set for every bill the batch moves, in one statement plus one for their events. */
  private Future<Void> applyTransitions(SqlConnection tx, List<Decision> decisions) {
    Map<String, BillStatus> moves = new LinkedHashMap<>();
    decisions.stream().filter(Decision::transition)
        .forEach(decision -> moves.put(decision.notification().billId(), decision.notification().status()));
    return bills.applyStatuses(tx, moves).compose(moved -> moved.size() == moves.size() ? Future.<Void>succeededFuture()
        : Future.failedFuture(new IllegalStateException(
            (moves.size() - moved.size()) + " of " + moves.size() + " bills did not move although locked as waiting")));
  }

  /** Bills QIWI knows and we do not (yet): any of them still being issued here is checked once issued. */
  private static List<String> unknownBills(List<Decision> decisions) {
    return decisions.stream()
        .filter(decision -> decision.verdict() == Verdict.UNKNOWN_BILL)
        .map(decision -> decision.notification().billId())
        .distinct()
        .toList();
  }

  private static Future<Void> insertRows(SqlConnection tx, List<Decision> decisions) {
    int n = decisions.size();
    String[] billIds = new String[n];
    String[] statuses = new String[n];
    BigDecimal[] amounts = new BigDecimal[n];
    String[] currencies = new String[n];
    String[] dialects = new String[n];
    String[] prvIds = new String[n];
    String[] sources = new String[n];
    String[] bodies = new String[n];
    String[] verdicts = new String[n];
    String[] details = new String[n];
    for (int i = 0; i < n; i++) {
      Decision decision = decisions.get(i);
      QiwiNotification notification = decision.notification();
      billIds[i] = notification.billId();
      statuses[i] = notification.status().wireName();
      amounts[i] = notification.amount();
      currencies[i] = notification.currency();
      dialects[i] = notification.dialect().configName();
      prvIds[i] = notification.prvId();
      sources[i] = notification.sourceAddress();
      bodies[i] = notification.rawBody();
      verdicts[i] = decision.verdict().dbName();
      details[i] = decision.detail();
    }
    return tx.preparedQuery(INSERT).execute(Tuple.tuple()
            .addArrayOfString(billIds).addArrayOfString(statuses).addArrayOfBigDecimal(amounts)
            .addArrayOfString(currencies).addArrayOfString(dialects).addArrayOfString(prvIds)
            .addArrayOfString(sources).addArrayOfString(bodies).addArrayOfString(verdicts).addArrayOfString(details))
        .mapEmpty();
  }

  private static Map<String, BillSnapshot> snapshots(RowSet<Row> rows) {
    Map<String, BillSnapshot> snapshots = new HashMap<>();
    for (Row row : rows) {
      snapshots.put(row.getString("bill_id"), new BillSnapshot(
          row.getString("bill_id"),
          row.getBigDecimal("amount"),
          row.getString("currency"),
          BillStatus.fromWire(row.getString("status")).orElseThrow(),
          "issued".equals(row.getString("issue_state"))));
    }
    return snapshots;
  }
}
