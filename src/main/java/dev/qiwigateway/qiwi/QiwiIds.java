package dev.qiwigateway.qiwi;

import java.util.regex.Pattern;

/** Identifier and field formats QIWI enforces (docs/qiwi.md#operations); the strictest published limits. */
public final class QiwiIds {

  /** Not dots alone: "." and ".." are path segments that name another resource once a URL is normalised. */
  public static final Pattern BILL_ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9._-]{1,30}");
  public static final Pattern REFUND_ID = Pattern.compile("[A-Za-z0-9]{1,9}");
  /** {@code tel:+} and 1–15 digits; the whole value is at most 20 characters. */
  public static final Pattern USER = Pattern.compile("tel:\\+[0-9]{1,15}");
  public static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  public static final int COMMENT_MAX = 255;
  public static final int PROVIDER_NAME_MAX = 100;

  private QiwiIds() {
  }

  public static boolean isBillId(String id) {
    return id != null && BILL_ID.matcher(id).matches();
  }

  public static boolean isRefundId(String id) {
    return id != null && REFUND_ID.matcher(id).matches();
  }

  public static boolean isUser(String user) {
    return user != null && USER.matcher(user).matches();
  }
}
