package dev.qiwigateway.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * What an injected fault does. API faults change how a request to the bill API is answered (or
 * whether it is); notification faults change how notifications are delivered. Each record refuses
 * values that make no sense, so a rule that exists can always fire.
 */
sealed interface Fault permits Fault.ApiFault, Fault.NotificationFault {

  /** The longest latency or hold a rule may ask for. */
  Duration MAX_WAIT = Duration.ofMinutes(10);

  /** The name the admin API and the statistics use for this kind of fault. */
  String kind();

  sealed interface ApiFault extends Fault permits Latency, ResultCode, LostAnswer {
  }

  /** The client learns nothing: whether the operation happened is exactly what it cannot know. */
  sealed interface LostAnswer extends ApiFault permits Hang, Drop, HttpStatus {

    /** Whether the operation takes effect although the answer is lost (the worst case for a client). */
    boolean applied();
  }

  sealed interface NotificationFault extends Fault permits Duplicates, OutOfOrder {
  }

  /** The answer comes, but only after this delay. */
  record Latency(Duration delay) implements ApiFault {
    public Latency {
      requireWait(delay, "latencyMs");
    }

    @Override
    public String kind() {
      return "latency";
    }
  }

  /** The request is never answered; the client's own timeout has to fire. */
  record Hang(boolean applied) implements LostAnswer {
    @Override
    public String kind() {
      return "hang";
    }
  }

  /** The connection is closed without an answer. */
  record Drop(boolean applied) implements LostAnswer {
    @Override
    public String kind() {
      return "drop";
    }
  }

  /** A bare 5xx instead of QIWI's answer, as from a proxy in front of an overloaded QIWI. */
  record HttpStatus(int status, boolean applied) implements LostAnswer {
    public HttpStatus {
      if (status < 500 || status > 599) {
        throw new IllegalArgumentException("'status' must be an integer in 500..599");
      }
    }

    @Override
    public String kind() {
      return "http5xx";
    }
  }

  /** QIWI's answer shape with this non-zero result code, and the operation does not happen. */
  record ResultCode(int code) implements ApiFault {
    public ResultCode {
      if (code == 0 || dev.qiwigateway.sandbox.protocol.ResultCode.of(code).isEmpty()) {
        throw new IllegalArgumentException("'resultCode' must be a non-zero code of QIWI's table, such as 13 or 300");
      }
    }

    @Override
    public String kind() {
      return "result";
    }
  }

  /** Each matching notification is delivered this many times in all, the first copy racing the original. */
  record Duplicates(int copies) implements NotificationFault {
    public Duplicates {
      if (copies < 2 || copies > 10) {
        throw new IllegalArgumentException("'copies' must be an integer in 2..10");
      }
    }

    @Override
    public String kind() {
      return "duplicates";
    }
  }

  /**
   * Matching notifications are held back, then released newest first, each trailed by a stale
   * {@code waiting} one; they go once the rule is spent or the hold time ends.
   */
  record OutOfOrder(Duration hold) implements NotificationFault {
    public OutOfOrder {
      requireWait(hold, "holdMs");
    }

    @Override
    public String kind() {
      return "outOfOrder";
    }
  }

  private static void requireWait(Duration wait, String name) {
    Objects.requireNonNull(wait, name);
    if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException("'" + name + "' must be an integer in 0.." + MAX_WAIT.toMillis());
    }
  }
}
