package dev.qiwigateway.ops;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Log lines are written by logback's asynchronous appender (logback.xml), so that an event loop never
 * waits for stdout. Before the process exits, what is still queued must be written: call this last.
 */
public final class LogFlush {

  private LogFlush() {
  }

  /** Writes what is queued (waiting at most the appender's maxFlushTime) and stops logging. */
  public static void beforeExit() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
      logs.stop();
    }
  }
}
