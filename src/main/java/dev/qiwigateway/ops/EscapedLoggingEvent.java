package dev.qiwigateway.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event as the text pattern may print it: every piece of text that can carry outside input (the
 * message, key-values, MDC, thread and logger names, exception messages) passes through
 * {@link LogText#escape}. Numbers and booleans pass as they are. Wrapping the event, rather than the
 * pattern's converters, keeps any conversion word of the pattern safe.
 */
final class EscapedLoggingEvent implements ILoggingEvent {

  private final ILoggingEvent event;

  EscapedLoggingEvent(ILoggingEvent event) {
    this.event = event;
  }

  @Override
  public String getThreadName() {
    return LogText.escape(event.getThreadName());
  }

  @Override
  public Level getLevel() {
    return event.getLevel();
  }

  @Override
  public String getMessage() {
    return LogText.escape(event.getMessage());
  }

  @Override
  public Object[] getArgumentArray() {
    Object[] arguments = event.getArgumentArray();
    if (arguments == null) {
      return null;
    }
    Object[] escaped = new Object[arguments.length];
    for (int i = 0; i < arguments.length; i++) {
      escaped[i] = escapedValue(arguments[i]);
    }
    return escaped;
  }

  @Override
  public String getFormattedMessage() {
    return LogText.escape(event.getFormattedMessage());
  }

  @Override
  public String getLoggerName() {
    return LogText.escape(event.getLoggerName());
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return event.getLoggerContextVO();
  }

  @Override
  public IThrowableProxy getThrowableProxy() {
    return EscapedThrowable.of(event.getThrowableProxy());
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return event.getCallerData();
  }

  @Override
  public boolean hasCallerData() {
    return event.hasCallerData();
  }

  @Override
  public Marker getMarker() {
    return event.getMarker();
  }

  @Override
  public List<Marker> getMarkerList() {
    return event.getMarkerList();
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    return escaped(event.getMDCPropertyMap());
  }

  @Override
  public Map<String, String> getMdc() {
    return escaped(event.getMdc());
  }

  @Override
  public long getTimeStamp() {
    return event.getTimeStamp();
  }

  @Override
  public int getNanoseconds() {
    return event.getNanoseconds();
  }

  @Override
  public Instant getInstant() {
    return event.getInstant();
  }

  @Override
  public long getSequenceNumber() {
    return event.getSequenceNumber();
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    return pairs == null ? null
        : pairs.stream().map(pair -> new KeyValuePair(LogText.escape(pair.key), escapedValue(pair.value))).toList();
  }

  @Override
  public void prepareForDeferredProcessing() {
    event.prepareForDeferredProcessing();
  }

  private static Object escapedValue(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return LogText.escape(value.toString());
  }

  private static Map<String, String> escaped(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return map;
    }
    Map<String, String> escaped = new LinkedHashMap<>();
    map.forEach((key, value) -> escaped.put(LogText.escape(key), LogText.escape(value)));
    return escaped;
  }

  /** An exception as the stack-trace converter prints it: its message escaped, its frames as they are. */
  private record EscapedThrowable(IThrowableProxy error) implements IThrowableProxy {

    static IThrowableProxy of(IThrowableProxy error) {
      return error == null ? null : new EscapedThrowable(error);
    }

    @Override
    public String getMessage() {
      return LogText.escape(error.getMessage());
    }

    @Override
    public String getClassName() {
      return LogText.escape(error.getClassName());
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return error.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return error.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return of(error.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = error.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        escaped[i] = of(suppressed[i]);
      }
      return escaped;
    }

    @Override
    public boolean isCyclic() {
      return error.isCyclic();
    }
  }
}
