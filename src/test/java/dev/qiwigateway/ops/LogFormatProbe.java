package dev.qiwigateway.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Run in a child JVM by {@link LogFormatSelectionTest}: logs a few lines through logback.xml. */
public final class LogFormatProbe {

  private LogFormatProbe() {
  }

  public static void main(String[] args) {
    Logger bills = LoggerFactory.getLogger("dev.qiwigateway.bill.BillService");
    bills.atInfo().addKeyValue("billId", "order-1842").addKeyValue("amount", "1499.00").log("bill issued");
    bills.atError()
        .addKeyValue("billId", "order-1842")
        .setCause(new IllegalStateException("QIWI unreachable"))
        .log("bill issue failed");
    LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline").info("netty chatter");
    LoggerFactory.getLogger("io.zonky.test.db.postgres.embedded.EmbeddedPostgres").info("postgres chatter");
    // As Main does before it exits: the lines are still in the asynchronous appender's queue.
    LogFlush.beforeExit();
  }
}
