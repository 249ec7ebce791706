package dev.qiwigateway.bill;

import dev.qiwigateway.http.Problem;
import dev.qiwigateway.http.Problems;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.qiwi.QiwiRejection;
import dev.qiwigateway.resilience.QiwiUnavailable;

/**
 * How a failed call to QIWI or to the database reads to the merchant (gateway-api.md §4): a final
 * QIWI refusal is 422 provider_rejected (stored and replayed); anything whose outcome is unknown is
 * 503 provider_unavailable with Retry-After (never stored, the retry resumes the same operation).
 */
public final class ProviderProblems {

  private ProviderProblems() {
  }

  public static Problem rejected(QiwiRejection rejection) {
    return Problem.of(422, "provider_rejected", "Rejected by QIWI",
            "QIWI refused the operation with result code " + rejection.resultCode() + ".")
        .with("providerCode", rejection.resultCode());
  }

  /** For every failure that is not a final QIWI refusal: QIWI's or the database's outcome is unknown. */
  public static Problem unavailable(Throwable failure) {
    if (failure instanceof Problem problem) {
      return problem;
    }
    if (failure instanceof QiwiUnavailable unavailable) {
      return providerUnavailable(unavailable.retryAfterSeconds());
    }
    if (failure instanceof QiwiException) {
      return providerUnavailable(1);
    }
    if (Problems.isDatabaseFailure(failure)) {
      return Problems.from(failure);
    }
    throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
  }

  static Problem providerUnavailable(int retryAfterSeconds) {
    return Problem.of(503, "provider_unavailable", "QIWI unavailable",
            "QIWI could not be reached or did not answer in time; retry with the same Idempotency-Key.")
        .withRetryAfter(Math.max(1, retryAfterSeconds));
  }
}
