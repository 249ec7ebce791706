package dev.qiwigateway.notification;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiAmount;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.qiwi.QiwiIds;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a notification in two steps around authentication: {@link #form} turns the HTTP body into
 * fields (what the signature covers), {@link #read} then checks the fields the dialect requires.
 * Anything that does not fit is {@link Malformed}: QIWI answers it with 5.
 */
final class NotificationReader {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final Pattern SHOP_ID = Pattern.compile("[0-9]{1,18}");
  private static final Pattern ERROR_CODE = Pattern.compile("-?[0-9]{1,9}");
  private static final List<String> REST_V3_REQUIRED = List.of("prv_id", "bill_id", "amount", "currency", "status", "error");
  /**
   * QIWI's pull-v2 parameter table lists no {@code error}: a notification that follows it must be read. Its
   * absence means 0, which is safe: the outcome is {@code status}, and a body cannot lose a field unnoticed
   * (the signature covers every field; Basic credentials vouch for the whole body).
   */
  private static final List<String> PULL_V2_REQUIRED = List.of("bill_id", "status", "amount", "ccy", "command");

  private final QiwiDialect dialect;
  private final String shopId;

  NotificationReader(QiwiDialect dialect, String shopId) {
    this.dialect = dialect;
    this.shopId = shopId;
  }

  /** The body text and its fields; a repeated field, a bad escape or another media type is malformed. */
  record Form(String rawBody, Map<String, String> fields) {
  }

  /** Refusal of a body that is not a notification; the message names the problem, never a secret. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  static Form form(String contentType, Buffer body) {
    if (!isUtf8Form(contentType)) {
      throw new Malformed("content type is not " + FORM + " in UTF-8");
    }
    String raw = utf8(body);
    if (raw.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new Malformed("control characters in the body");
    }
    try {
      return new Form(raw, FormCodec.decode(raw));
    } catch (IllegalArgumentException e) {
      throw new Malformed(e.getMessage());
    }
  }

  QiwiNotification read(Form form, String sourceAddress) {
    Map<String, String> fields = form.fields();
    List<String> required = dialect == QiwiDialect.REST_V3 ? REST_V3_REQUIRED : PULL_V2_REQUIRED;
    for (String name : required) {
      String value = fields.get(name);
      if (value == null || value.isEmpty()) {
        throw new Malformed("required field " + name + " is missing");
      }
    }
    String billId = fields.get("bill_id");
    if (!QiwiIds.isBillId(billId)) {
      throw new Malformed("bill_id is not a QIWI bill id");
    }
    BillStatus status = BillStatus.fromWire(fields.get("status"))
        .orElseThrow(() -> new Malformed("status is not a bill status"));
    BigDecimal amount = amount(fields.get("amount"));
    String currency = fields.get(dialect == QiwiDialect.REST_V3 ? "currency" : "ccy");
    if (!QiwiIds.CURRENCY.matcher(currency).matches()) {
      throw new Malformed("currency is not an ISO 4217 code");
    }
    String error = fields.get("error");
    if (error != null && !ERROR_CODE.matcher(error).matches()) {
      throw new Malformed("error is not a number");
    }
    if (dialect == QiwiDialect.PULL_V2 && error != null && Integer.parseInt(error) != 0) {
      // QIWI documents only 0 here; a status carried with an error code is not one to act on. QIWI resends
      // and the poller asks QIWI for the truth meanwhile.
      throw new Malformed("error is not 0");
    }
    if (dialect == QiwiDialect.PULL_V2 && !"bill".equals(fields.get("command"))) {
      throw new Malformed("command is not bill");
    }
    String prvId = dialect == QiwiDialect.REST_V3 ? fields.get("prv_id") : null;
    if (prvId != null && !SHOP_ID.matcher(prvId).matches()) {
      throw new Malformed("prv_id is not a shop id");
    }
    return new QiwiNotification(dialect, billId, status, amount, currency, prvId,
        prvId == null || prvId.equals(shopId), sourceAddress, form.rawBody());
  }

  /** QIWI may drop trailing zeros ("10", "10.0"); anything that is not a positive kopeck amount is malformed. */
  private static BigDecimal amount(String text) {
    BigDecimal amount = QiwiAmount.parseLenient(text);
    if (amount == null || amount.signum() <= 0 || amount.precision() - amount.scale() > QiwiAmount.MAX_INTEGER_DIGITS) {
      throw new Malformed("amount is not a valid amount");
    }
    return amount;
  }

  private static boolean isUtf8Form(String contentType) {
    if (contentType == null) {
      return false;
    }
    // -1 keeps empty parts: ";" alone splits to nothing otherwise.
    String[] parts = contentType.split(";", -1);
    if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(FORM)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter[0].trim().equalsIgnoreCase("charset")) {
        String charset = parameter.length < 2 ? "" : parameter[1].trim().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8")) {
          return false;
        }
      }
    }
    return true;
  }

  private static String utf8(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw new Malformed("body is not UTF-8");
    }
  }

  /**
   * An authenticated, well-formed notification, ready for the inbox.
   *
   * @param prvId       the shop the body names (rest-v3); null when the dialect's body names none
   * @param shopMatches whether that shop is ours (always true when the body names none)
   * @param rawBody     the body as received, kept for the record
   */
  public record QiwiNotification(
      QiwiDialect dialect,
      String billId,
      BillStatus status,
      BigDecimal amount,
      String currency,
      String prvId,
      boolean shopMatches,
      String sourceAddress,
      String rawBody) {
  }
}
