package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.ResultCode;

/** A validated value, or the QIWI result code that refuses it. */
record Validated<T>(T value, int resultCode) {

  static <T> Validated<T> ok(T value) {
    return new Validated<>(value, 0);
  }

  static <T> Validated<T> refused(ResultCode code) {
    return new Validated<>(null, code.code());
  }

  boolean isValid() {
    return resultCode == 0;
  }
}
