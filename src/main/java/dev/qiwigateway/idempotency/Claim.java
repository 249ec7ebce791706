package dev.qiwigateway.idempotency;

import dev.qiwigateway.http.Reply;

/** What claiming an idempotency key for a request found. */
public sealed interface Claim {

  /** This request holds the lease: run (or resume) the operation of the record. */
  record Acquired(IdempotencyRecord record) implements Claim {
  }

  /** The same request already completed: answer with its stored response. */
  record Replay(Reply response) implements Claim {
  }

  /** The same request is being processed right now under a live lease. */
  record InUse() implements Claim {
  }

  /** The key was used for a different request (method, path or body). */
  record Reused() implements Claim {
  }
}
