package dev.qiwigateway.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Everything logged anywhere (the root logger) while open, e.g. to check that nothing was logged at ERROR. */
public final class RootLogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public RootLogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  public List<ILoggingEvent> errors() {
    synchronized (appender) {
      return new ArrayList<>(appender.list).stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
          .toList();
    }
  }

  public List<ILoggingEvent> warnings() {
    synchronized (appender) {
      return new ArrayList<>(appender.list).stream().filter(event -> event.getLevel() == Level.WARN).toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
