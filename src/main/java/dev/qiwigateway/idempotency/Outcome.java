package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Problem;

/** How an idempotent operation ended, and so what happens to its key. */
public sealed interface Outcome {

  /** Final answer, already stored by the operation with {@code store.complete(...)} inside its own transaction. */
  record Completed(StoredResponse response) implements Outcome {
  }

  /** Final answer that changed nothing else in the database; the runner stores it, then sends it. */
  record Answered(StoredResponse response) implements Outcome {
  }

  /**
   * Outcome unknown (e.g. 503 provider_unavailable): nothing is stored, the lease is released so that a
   * retry with the same key resumes at once from the last checkpoint, with the same resource id.
   */
  record NotStored(Problem problem) implements Outcome {
  }

  /**
   * Nothing was done (e.g. a 400 found only once the operation ran): the key is forgotten, so the same
   * key may be used again with a corrected request. Never after a side effect outside the database.
   */
  record Discarded(Problem problem) implements Outcome {
  }
}
