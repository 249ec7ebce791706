package dev.qiwigateway.webhook;

/** How one POST to the marketplace ended; {@code error} says why it was not a delivery, without secrets. */
record AttemptResult(boolean delivered, String error) {

  static AttemptResult success() {
    return new AttemptResult(true, null);
  }

  static AttemptResult failure(String error) {
    return new AttemptResult(false, error);
  }
}
