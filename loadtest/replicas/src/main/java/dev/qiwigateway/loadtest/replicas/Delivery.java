package dev.qiwigateway.loadtest.replicas;

/** One webhook request the receiver got, in arrival order ({@code seq}), and what it answered. */
record Delivery(long seq, String webhookId, String type, String billId, String refundId, String dataStatus,
    int answered, boolean signatureValid) {
}
