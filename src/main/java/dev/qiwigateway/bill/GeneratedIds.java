package dev.qiwigateway.bill;

import java.security.SecureRandom;

/** Ids the gateway chooses when the caller does not, inside QIWI's limits and unguessable. */
final class GeneratedIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private GeneratedIds() {
  }

  /** "b_" and 24 random characters: 30 at most, [A-Za-z0-9._-]. */
  static String billId() {
    return "b_" + random(24);
  }

  /** 9 random alphanumerics: QIWI's whole refund_id space. */
  static String refundId() {
    return random(9);
  }

  private static String random(int length) {
    char[] id = new char[length];
    for (int i = 0; i < length; i++) {
      id[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
    }
    return new String(id);
  }
}
