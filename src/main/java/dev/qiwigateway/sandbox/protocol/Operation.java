package dev.qiwigateway.sandbox.protocol;

import java.util.Optional;

/** The five bill operations, under the names fault rules and statistics use for them. */
public enum Operation {
  ISSUE("issue", true),
  STATUS("status", false),
  CANCEL("cancel", true),
  REFUND("refund", true),
  REFUND_STATUS("refundStatus", false);

  private final String adminName;
  private final boolean hasBody;

  Operation(String adminName, boolean hasBody) {
    this.adminName = adminName;
    this.hasBody = hasBody;
  }

  public String adminName() {
    return adminName;
  }

  /** PUT and PATCH carry a form; GET carries nothing. */
  public boolean hasBody() {
    return hasBody;
  }

  public static Optional<Operation> fromAdminName(String name) {
    for (Operation operation : values()) {
      if (operation.adminName.equals(name)) {
        return Optional.of(operation);
      }
    }
    return Optional.empty();
  }
}
