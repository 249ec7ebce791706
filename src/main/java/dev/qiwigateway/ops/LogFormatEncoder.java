package dev.qiwigateway.ops;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The console encoder of logback.xml: JSON lines ({@link JsonLogEncoder}) when {@code format} is
 * {@code json} (any case), the text {@code pattern} otherwise. Choosing here rather than between
 * two appenders keeps logback from warning about the unused one on stdout, which would break a
 * JSON-only stream; and a mistyped format still logs, as text, instead of going silent. Text lines
 * are escaped here, at the encoder, so that no caller can forge a line or a key-value.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

  private String format = "text";
  private String pattern;
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  boolean writesJson() {
    return format != null && "json".equalsIgnoreCase(format.trim());
  }

  @Override
  public void start() {
    if (writesJson()) {
      delegate = new JsonLogEncoder();
    } else if (pattern != null) {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(pattern);
      delegate = text;
    } else {
      addError("no <pattern> for the text log format");
      return;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  /** Text lines get every value escaped (see {@link LogText}); JSON escapes by its own rules. */
  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(writesJson() ? event : new EscapedLoggingEvent(event));
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
