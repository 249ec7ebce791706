package dev.qiwigateway.config;

import java.time.Duration;

/**
 * How QIWI's notifications are gathered into statements (docs/architecture.md#qiwi-notifications).
 * Each event loop has its own batcher; these are per event loop:
 * <pre>
 * INGEST_BATCH_ROWS              256   notifications written by one statement at most
 * INGEST_BATCH_WINDOW_MS         2     how long the first notification of a batch waits for company
 *                                      while no statement of its loop is being written
 * INGEST_TRANSACTIONS_PER_LOOP   1     statements of one loop open at once; what arrives meanwhile
 *                                      joins the next one (a statement stalled on a lock stops
 *                                      counting, see IngestBatcher)
 * INGEST_QUEUE_PER_LOOP          1024  notifications waiting for a statement; one more is answered 13
 *                                      at once (QIWI sends it again) instead of waiting past its timeout
 * </pre>
 * Why one statement per loop at a time: PostgreSQL's fixed cost of a statement (about 850 µs of CPU
 * for the ingest statement) is shared by its rows, and a row costs about 50 µs. Measured with
 * loadtest/bench/ingest-statement.sh on 2 cores: 1 row a statement cost PostgreSQL 881 µs per
 * notification, 16 rows 119 µs, 64 rows 67 µs, 256 rows 57 µs. Fewer statements in flight make each
 * one larger under the same load.
 */
public record IngestSettings(int batchRows, Duration batchWindow, int transactionsPerLoop, int queuePerLoop) {

  static IngestSettings read(SettingsReader in) {
    return new IngestSettings(
        in.integer("INGEST_BATCH_ROWS", 256, 1, 10_000),
        Duration.ofMillis(in.integer("INGEST_BATCH_WINDOW_MS", 2, 0, 1_000)),
        in.integer("INGEST_TRANSACTIONS_PER_LOOP", 1, 1, 64),
        in.integer("INGEST_QUEUE_PER_LOOP", 1_024, 1, 1_000_000));
  }

  String describe() {
    return batchRows + " rows/statement, window " + batchWindow.toMillis() + " ms, " + transactionsPerLoop
        + " statement(s)/loop, queue " + queuePerLoop + "/loop";
  }
}
