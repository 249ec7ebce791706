package dev.qiwigateway.loadtest.replicas;

import java.math.BigDecimal;

/** A bill the driver created (answered 201), with what it needs to forge notifications for it. */
final class BillSeen {

  final String billId;
  final String createKey;
  final BigDecimal amount;
  final String customer;

  BillSeen(String billId, String createKey, BigDecimal amount, String customer) {
    this.billId = billId;
    this.createKey = createKey;
    this.amount = amount;
    this.customer = customer;
  }
}
