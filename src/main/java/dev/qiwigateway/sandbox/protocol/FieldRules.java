package dev.qiwigateway.sandbox.protocol;

import java.util.Set;
import java.util.regex.Pattern;

/** The shapes QIWI demands of ids and issue-bill fields, at the strictest limits it publishes. */
public final class FieldRules {

  private static final Pattern BILL_ID = Pattern.compile("[A-Za-z0-9._-]{1,30}");
  private static final Pattern REFUND_ID = Pattern.compile("[A-Za-z0-9]{1,9}");
  /** A wallet: {@code tel:+} and up to 15 digits, which also keeps the value within 20 characters. */
  private static final Pattern USER = Pattern.compile("tel:\\+\\d{1,15}");
  private static final int USER_MAX = 20;
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final int COMMENT_MAX = 255;
  private static final int PRV_NAME_MAX = 100;
  private static final Set<String> PAY_SOURCES = Set.of("qw", "mobile");

  /** What {@code pay_source} means when a request leaves it out. */
  public static final String DEFAULT_PAY_SOURCE = "qw";

  private FieldRules() {
  }

  public static boolean isBillId(String id) {
    return id != null && BILL_ID.matcher(id).matches();
  }

  public static boolean isRefundId(String id) {
    return id != null && REFUND_ID.matcher(id).matches();
  }

  public static boolean isUser(String user) {
    return user != null && user.length() <= USER_MAX && USER.matcher(user).matches();
  }

  public static boolean isCurrency(String code) {
    return code != null && CURRENCY.matcher(code).matches();
  }

  public static boolean isComment(String comment) {
    return comment != null && characters(comment) <= COMMENT_MAX;
  }

  /** Absent is fine: the field is optional. */
  public static boolean isPrvName(String name) {
    return name == null || characters(name) <= PRV_NAME_MAX;
  }

  public static boolean isPaySource(String source) {
    return PAY_SOURCES.contains(source);
  }

  /** Limits count characters as a person does, so a letter outside the BMP is one, not two. */
  private static int characters(String text) {
    return text.codePointCount(0, text.length());
  }
}
