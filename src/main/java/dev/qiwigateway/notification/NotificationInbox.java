package dev.qiwigateway.notification;

import dev.qiwigateway.bill.BillStatus;
import dev.qiwigateway.bill.BillStore;
import dev.qiwigateway.notification.VerdictRules.BillSnapshot;
import dev.qiwigateway.notification.VerdictRules.Decision;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
final class NotificationInbox {

  /** NO KEY UPDATE: keeps the arbiter's writers out without blocking event inserts that reference the bill. */
  private static final String LOCK_BILLS = "SELECT bill_id, amount, currency, status, issue_state FROM bill "
      + "WHERE bill_id = ANY($1) ORDER BY bill_id FOR NO KEY UPDATE";
  private static final String INSERT = "INSERT INTO notification_inbox (bill_id, status, amount, currency, dialect, "
      + "prv_id, source_address, raw_body, verdict, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

  private final Pool pool;
  private final BillStore bills;

  NotificationInbox(Pool pool, BillStore bills) {
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
        .map(snapshots -> VerdictRules.decide(sorted, snapshots))
        .compose(decisions -> applyTransitions(tx, decisions)
            .compose(v -> bills.checkOnceIssued(tx, unknownBills(decisions)))
            .compose(v -> insertRows(tx, decisions))
            .map(decisions));
  }

  /** Issued together on the one connection (pipelined, in bill order); each is the arbiter's own compare-and-set. */
  private Future<Void> applyTransitions(SqlConnection tx, List<Decision> decisions) {
    List<Future<Void>> moves = decisions.stream()
        .filter(Decision::transition)
        .map(decision -> bills.applyStatus(tx, decision.notification().billId(), decision.notification().status())
            .compose(moved -> moved.isPresent() ? Future.<Void>succeededFuture()
                : Future.<Void>failedFuture(new IllegalStateException(
                    "bill " + decision.notification().billId() + " did not move although locked as waiting"))))
        .toList();
    return Future.all(moves).mapEmpty();
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
    List<Tuple> rows = new ArrayList<>(decisions.size());
    for (Decision decision : decisions) {
      QiwiNotification n = decision.notification();
      rows.add(Tuple.tuple()
          .addString(n.billId())
          .addString(n.status().wireName())
          .addBigDecimal(n.amount())
          .addString(n.currency())
          .addString(n.dialect().configName())
          .addString(n.prvId())
          .addString(n.sourceAddress())
          .addString(n.rawBody())
          .addString(decision.verdict().dbName())
          .addString(decision.detail()));
    }
    return tx.preparedQuery(INSERT).executeBatch(rows).mapEmpty();
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
