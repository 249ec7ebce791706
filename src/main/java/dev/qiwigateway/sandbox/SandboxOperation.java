package dev.qiwigateway.sandbox;

import java.util.Arrays;
import java.util.Optional;

/** The five QIWI operations (qiwi-protocol.md §2), named as fault rules and statistics name them. */
enum SandboxOperation {
  ISSUE("issue"),
  STATUS("status"),
  CANCEL("cancel"),
  REFUND("refund"),
  REFUND_STATUS("refundStatus");

  private final String adminName;

  SandboxOperation(String adminName) {
    this.adminName = adminName;
  }

  String adminName() {
    return adminName;
  }

  /** PUT and PATCH carry a form body; GET carries none. */
  boolean hasBody() {
    return this == ISSUE || this == CANCEL || this == REFUND;
  }

  static Optional<SandboxOperation> fromAdminName(String name) {
    return Arrays.stream(values()).filter(op -> op.adminName.equals(name)).findFirst();
  }
}
