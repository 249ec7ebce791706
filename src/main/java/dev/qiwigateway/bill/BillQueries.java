package dev.qiwigateway.bill;

import dev.qiwigateway.http.Problem;
import dev.qiwigateway.qiwi.QiwiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the merchant API. {@code refresh} asks QIWI first, through the same guard as every
 * call, and applies the answer through the arbiter; when QIWI cannot answer, the stored state is
 * returned marked {@code "stale": true} rather than failing the read.
 */
public final class BillQueries {

  private static final Logger LOG = LoggerFactory.getLogger(BillQueries.class);

  private final BillStore bills;
  private final RefundLedger refunds;
  private final QiwiClient qiwi;

  public BillQueries(BillStore bills, RefundLedger refunds, QiwiClient qiwi) {
    this.bills = bills;
    this.refunds = refunds;
    this.qiwi = qiwi;
  }

  public Future<JsonObject> bill(String merchantId, String billId, boolean refresh) {
    return existingBill(merchantId, billId).compose(bill -> {
      if (!refresh || bill.status().isFinal()) {
        return Future.succeededFuture(bill.toJson());
      }
      return qiwi.billStatus(billId)
          .compose(answer -> bills.applyStatus(billId, answer.status()))
          .compose(changed -> bills.touchChecked(billId))
          .compose(v -> existingBill(merchantId, billId))
          .map(Bill::toJson)
          .recover(failure -> staleOr(failure, bill.toJson()));
    });
  }

  public Future<JsonObject> refunds(String merchantId, String billId) {
    return existingBill(merchantId, billId)
        .compose(bill -> refunds.acceptedOf(merchantId, billId))
        .map(list -> {
          JsonArray data = new JsonArray();
          list.forEach(refund -> data.add(refund.toJson()));
          return new JsonObject().put("data", data).put("hasMore", false);
        });
  }

  public Future<JsonObject> refund(String merchantId, String billId, String refundId, boolean refresh) {
    return existingRefund(merchantId, billId, refundId).compose(refund -> {
      if (!refresh || refund.status().isFinal()) {
        return Future.succeededFuture(refund.toJson());
      }
      return qiwi.refundStatus(billId, refundId)
          .compose(answer -> refunds.applyStatus(billId, refundId, answer.status()))
          .compose(changed -> existingRefund(merchantId, billId, refundId))
          .map(Refund::toJson)
          .recover(failure -> staleOr(failure, refund.toJson()));
    });
  }

  private Future<Bill> existingBill(String merchantId, String billId) {
    return bills.find(merchantId, billId).map(found -> found.orElseThrow(() -> BillAnswers.billNotFound(billId)));
  }

  private Future<Refund> existingRefund(String merchantId, String billId, String refundId) {
    return existingBill(merchantId, billId)
        .compose(bill -> refunds.findAccepted(merchantId, billId, refundId))
        .map((Optional<Refund> found) -> found.orElseThrow(() -> Problem.of(404, "refund_not_found", "Refund not found",
            "No refund '" + refundId + "' of bill '" + billId + "' is known to this merchant.")));
  }

  /** QIWI could not be asked: the stored state, marked stale. A database failure is not hidden this way. */
  private static Future<JsonObject> staleOr(Throwable failure, JsonObject stored) {
    if (Problem.isDatabaseFailure(failure) || failure instanceof Problem) {
      return Future.failedFuture(failure);
    }
    LOG.atInfo().addKeyValue("reason", failure.getMessage()).log("refresh from QIWI failed; answering stored state");
    return Future.succeededFuture(stored.put("stale", true));
  }
}
