package dev.qiwigateway.bill;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Reply;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.resilience.QiwiUnavailable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * How the bill operations answer, as replies the idempotency layer stores and replays byte for byte.
 * A failed call to QIWI reads to the merchant (docs/api.md#idempotency) as: a final QIWI refusal, 422
 * provider_rejected (stored and replayed); an issue that got no QIWI answer but something else (an HTML
 * page, a body without a result code) even on its last attempt, 502 provider_error (stored and
 * replayed); a call whose outcome is unknown, 503 provider_unavailable with Retry-After (never stored,
 * the retry resumes the same operation). The operations apply these where they call QIWI, so the
 * generic error mapper never needs to know QIWI's failures.
 */
final class BillAnswers {

  /** An operator needs minutes, not seconds, to fix credentials: do not invite a retry storm. */
  private static final int INTEGRATION_RETRY_AFTER_SECONDS = 60;

  private BillAnswers() {
  }

  static Problem rejected(QiwiException.Rejection rejection) {
    return Problem.of(422, "provider_rejected", "Rejected by QIWI",
            "QIWI refused the operation with result code " + rejection.resultCode() + ".")
        .with("providerCode", rejection.resultCode());
  }

  /**
   * The request got answers that are not QIWI's format on every attempt: repeating it again and again
   * (the completer did, for minutes) cannot help, so it ends here.
   */
  static Problem foreignAnswer() {
    return Problem.of(502, "provider_error", "Unusable answer from QIWI",
        "QIWI's side answered this request with something that is not a QIWI answer; it was not issued.");
  }

  /**
   * For a call to QIWI that failed other than by a refusal the operation handles: its outcome is
   * unknown, 503 provider_unavailable. Any other failure (the database's) is passed on as it is.
   */
  static <T> Future<T> unknownOutcome(Throwable failure) {
    if (failure instanceof QiwiUnavailable unavailable) {
      return Future.failedFuture(providerUnavailable(unavailable.retryAfterSeconds()));
    }
    if (failure instanceof QiwiException) {
      return Future.failedFuture(providerUnavailable(1));
    }
    return Future.failedFuture(failure);
  }

  /**
   * QIWI refused the gateway itself (credentials, contract, a block): the checkout did nothing wrong and
   * can do nothing about it. 503 like any outage of the gateway, not stored, so the same key issues the
   * bill once an operator has fixed the integration; the QIWI client has raised the alarm.
   */
  static Problem integrationRefused() {
    return Problem.unavailable("QIWI refused the gateway's integration; operators have been alerted. "
        + "Retry with the same Idempotency-Key.", INTEGRATION_RETRY_AFTER_SECONDS);
  }

  private static Problem providerUnavailable(int retryAfterSeconds) {
    return Problem.of(503, "provider_unavailable", "QIWI unavailable",
            "QIWI could not be reached or did not answer in time; retry with the same Idempotency-Key.")
        .withRetryAfter(Math.max(1, retryAfterSeconds));
  }

  static Reply created(String location, JsonObject resource) {
    return Reply.json(201, resource).withHeader("Location", location);
  }

  static Reply ok(JsonObject resource) {
    return Reply.json(200, resource);
  }

  static Reply problem(Problem problem) {
    return Reply.problem(problem);
  }

  static String billLocation(String billId) {
    return "/v1/bills/" + billId;
  }

  static String refundLocation(String billId, String refundId) {
    return billLocation(billId) + "/refunds/" + refundId;
  }

  static Problem billNotFound(String billId) {
    return Problem.of(404, "bill_not_found", "Bill not found", "No bill '" + billId + "' is known to this merchant.");
  }

  static Problem notCancellable(BillStatus status) {
    return Problem.of(409, "bill_not_cancellable", "Bill cannot be cancelled",
        "The bill is " + status.wireName() + "; only a waiting bill can be cancelled.").with("billStatus", status.wireName());
  }
}
