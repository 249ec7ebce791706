package dev.qiwigateway.webhook;

import io.vertx.core.buffer.Buffer;

/**
 * An event leased for one delivery attempt. {@code body} is the stored payload's text, sent and
 * signed exactly as stored, so every retry carries the same bytes.
 */
record OutboxEvent(long seq, String id, String billId, Buffer body, int attempts) {
}
