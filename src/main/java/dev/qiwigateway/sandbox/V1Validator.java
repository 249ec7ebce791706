package dev.qiwigateway.sandbox;

import static dev.qiwigateway.sandbox.protocol.ResultCode.BAD_PARAMETERS;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.FieldRules;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads v1 requests as strictly as QIWI's invoicing API: JSON objects with the documented fields only, amounts
 * as a 2-decimal string or a number, timestamps with an offset. A refusal is result code 5, which the v1 API answers as {@code validation.error}.
 */
final class V1Validator {

  /** QIWI's SDKs use UUIDs; the API takes up to 200 characters, none of them blank or a path separator. */
  private static final Pattern ID = Pattern.compile("[^\\s/?#]{1,200}");
  private static final Set<String> ISSUE_FIELDS = Set.of("amount", "comment", "expirationDateTime", "customer",
      "customFields");
  private static final Set<String> CUSTOMER_FIELDS = Set.of("phone", "email", "account");
  private static final int COMMENT_MAX = 255;

  private final SandboxSettings settings;

  V1Validator(SandboxSettings settings) {
    this.settings = settings;
  }

  static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  Validated<IssueRequest> issue(String billId, Buffer body) {
    Optional<JsonObject> json = object(body);
    if (json.isEmpty() || !ISSUE_FIELDS.containsAll(json.get().fieldNames())) {
      return Validated.refused(BAD_PARAMETERS);
    }
    JsonObject request = json.get();
    Optional<Money> amount = money(request.getValue("amount"));
    Optional<Instant> expiration = timestamp(request.getValue("expirationDateTime"));
    Object comment = request.getValue("comment");
    Optional<JsonObject> customer = strings(request.getValue("customer"), CUSTOMER_FIELDS);
    Optional<JsonObject> customFields = strings(request.getValue("customFields"), null);
    boolean commentOk = comment == null
        || comment instanceof String text && text.codePointCount(0, text.length()) <= COMMENT_MAX;
    if (amount.isEmpty() || expiration.isEmpty() || !commentOk || customer.isEmpty() || customFields.isEmpty()) {
      return Validated.refused(BAD_PARAMETERS);
    }
    if (!settings.currencies().contains(amount.get().currency())
        || amount.get().value().compareTo(settings.minAmount()) < 0
        || amount.get().value().compareTo(settings.maxAmount()) > 0) {
      return Validated.refused(BAD_PARAMETERS);
    }
    String phone = customer.get().getString("phone");
    return Validated.ok(new IssueRequest(billId, phone, amount.get().value(), amount.get().currency(),
        (String) comment, expiration.get(), FieldRules.DEFAULT_PAY_SOURCE, null,
        new IssueRequest.V1Details(customer.get(), customFields.get())));
  }

  /** A new bill ends in the future and at most the maximum lifetime (QIWI: 45 days) ahead. */
  boolean expirationAcceptable(IssueRequest request) {
    Instant now = settings.clock().instant();
    return request.lifetime().isAfter(now) && !request.lifetime().isAfter(now.plus(settings.maxLifetime()));
  }

  /** The refund body {@code {"amount":{"currency","value"}}}, nothing else. */
  Validated<Money> refund(Buffer body) {
    Optional<JsonObject> json = object(body);
    if (json.isEmpty() || !Set.of("amount").equals(json.get().fieldNames())) {
      return Validated.refused(BAD_PARAMETERS);
    }
    return money(json.get().getValue("amount")).map(Validated::ok).orElseGet(() -> Validated.refused(BAD_PARAMETERS));
  }

  /** An amount with its currency. */
  record Money(BigDecimal value, String currency) {
  }

  private static Optional<JsonObject> object(Buffer body) {
    try {
      return body == null || body.length() == 0 ? Optional.empty() : Optional.of(new JsonObject(body));
    } catch (DecodeException | ClassCastException notAnObject) {
      return Optional.empty();
    }
  }

  /** {@code {"currency":"RUB","value":"200.34"}}; the value may also be a JSON number, as QIWI's docs show it. */
  static Optional<Money> money(Object value) {
    if (!(value instanceof JsonObject amount) || !Set.of("currency", "value").equals(amount.fieldNames())
        || !(amount.getValue("currency") instanceof String currency) || !FieldRules.isCurrency(currency)) {
      return Optional.empty();
    }
    Object number = amount.getValue("value");
    String text;
    if (number instanceof String given) {
      text = given;
    } else if (number instanceof Integer || number instanceof Long) {
      text = number.toString();
    } else if (number instanceof Double || number instanceof Float) {
      // The shortest text that reads back as this double: 200.34 stays "200.34".
      text = new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
    } else {
      return Optional.empty();
    }
    return Amount.parse(text).map(parsed -> new Money(parsed, currency));
  }

  /** ISO-8601 with an offset ({@code 2026-12-05T13:30:59+03:00}, fractions allowed); a local time is refused. */
  static Optional<Instant> timestamp(Object value) {
    if (!(value instanceof String text)) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException noOffset) {
      return Optional.empty();
    }
  }

  /** An object of string values (absent: empty), only with the given names when they are given. */
  private static Optional<JsonObject> strings(Object value, Set<String> allowed) {
    if (value == null) {
      return Optional.of(new JsonObject());
    }
    if (!(value instanceof JsonObject object)) {
      return Optional.empty();
    }
    JsonObject copy = new JsonObject();
    for (Map.Entry<String, Object> field : object) {
      if (allowed != null && !allowed.contains(field.getKey())) {
        return Optional.empty();
      }
      if (field.getValue() == null) {
        continue;
      }
      if (!(field.getValue() instanceof String text) || text.length() > COMMENT_MAX) {
        return Optional.empty();
      }
      copy.put(field.getKey(), text);
    }
    return Optional.of(copy);
  }
}
