package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.ResultCode;

/** What an operation on the ledger came to: a QIWI result code and, on success, what it is about. */
record LedgerResult(int resultCode, SandboxBill bill, SandboxRefund refund) {

  static LedgerResult ofBill(SandboxBill bill) {
    return new LedgerResult(0, bill, null);
  }

  static LedgerResult ofRefund(SandboxBill bill, SandboxRefund refund) {
    return new LedgerResult(0, bill, refund);
  }

  static LedgerResult refused(ResultCode code) {
    return new LedgerResult(code.code(), null, null);
  }

  boolean succeeded() {
    return resultCode == 0;
  }
}
