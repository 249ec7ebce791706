package dev.qiwigateway.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Captures what one logger writes, for tests that check log lines. */
final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> loggerOf) {
    logger = (Logger) LoggerFactory.getLogger(loggerOf);
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  static LogCapture of(Class<?> loggerOf) {
    return new LogCapture(loggerOf);
  }

  /** The events so far; the appender appends under its own lock, so copy under it too. */
  List<ILoggingEvent> events() {
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  /**
   * Completes once at least {@code count} events arrived: the access line is written when the
   * response ends, which may be just after the client has read it.
   */
  Future<List<ILoggingEvent>> awaitEvents(Vertx vertx, int count) {
    Promise<List<ILoggingEvent>> arrived = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(10, id -> {
      List<ILoggingEvent> events = events();
      if (events.size() >= count) {
        vertx.cancelTimer(timer[0]);
        arrived.tryComplete(events);
      }
    });
    return arrived.future();
  }

  static Map<String, Object> keyValues(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
    return pairs.stream().collect(Collectors.toMap(pair -> pair.key, pair -> pair.value, (a, b) -> b));
  }

  static <T> List<T> each(List<ILoggingEvent> events, Function<ILoggingEvent, T> property) {
    return events.stream().map(property).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
