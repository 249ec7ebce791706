package dev.qiwigateway.loadtest.replicas;

/**
 * A notification exchange the proxy relayed: its body, the replica that answered (or "-"), who sent it
 * ("sandbox" or "driver") and the answer.
 */
record Exchange(long seq, String replica, String origin, String body, int status, String answer) {

  /** Answered as QIWI's success: the notification is the gateway's from now on. */
  boolean acked() {
    return status == 200 && answer != null && answer.replace(" ", "").contains("\"error\":0");
  }
}
