package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.BillStatus;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The JSON of QIWI's {@code partner/bill/v1} API: the bill, the refund and the error body, with exactly the
 * documented fields. QIWI's Java SDK reads them with an ObjectMapper that fails on any field it does not know
 * and on a date without an offset, and reads only the first line of a body; Vert.x encodes on one line.
 */
final class V1Answers {

  /** QIWI writes its v1 timestamps at Moscow time, to the millisecond, with the offset. */
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final ZoneOffset MOSCOW = ZoneOffset.ofHours(3);

  private V1Answers() {
  }

  static String timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), MOSCOW).format(TIMESTAMP);
  }

  /** v1 knows four bill statuses; a rest-v3 or pull-v2 bill left {@code unpaid} reads as not paid, REJECTED. */
  static String status(BillStatus status) {
    return status == BillStatus.UNPAID ? "REJECTED" : status.name();
  }

  static JsonObject amount(BigDecimal value, String currency) {
    return new JsonObject().put("currency", currency).put("value", Amount.format(value));
  }

  /** The bill as the API answers it: with its payUrl on the sandbox's payment page. */
  static JsonObject bill(SandboxBill bill, String siteId, String baseUrl) {
    return notifiedBill(bill, bill.status(), siteId)
        .put("payUrl", baseUrl + PaymentPage.V1_PATH + "?invoice_uid=" + bill.invoiceUid());
  }

  /** The bill as a notification carries it: the API's fields but the payUrl, with the status being notified. */
  static JsonObject notifiedBill(SandboxBill bill, BillStatus status, String siteId) {
    IssueRequest issued = bill.issued();
    JsonObject json = new JsonObject()
        .put("siteId", siteId)
        .put("billId", issued.billId())
        .put("amount", amount(issued.amount(), issued.currency()))
        .put("status", new JsonObject()
            .put("value", status(status))
            .put("changedDateTime", timestamp(status == bill.status() ? bill.statusChangedAt() : bill.createdAt())));
    if (issued.comment() != null) {
      json.put("comment", issued.comment());
    }
    IssueRequest.V1Details v1 = issued.v1();
    json.put("customer", v1 != null ? v1.customer().copy() : classicCustomer(issued));
    json.put("customFields", v1 != null ? v1.customFields().copy() : new JsonObject());
    return json
        .put("creationDateTime", timestamp(bill.createdAt()))
        .put("expirationDateTime", timestamp(issued.lifetime()));
  }

  private static JsonObject classicCustomer(IssueRequest issued) {
    JsonObject customer = new JsonObject();
    if (issued.user() != null) {
      customer.put("phone", issued.user().replace("tel:", ""));
    }
    return customer;
  }

  /**
   * A v1 refund is final when it is made: money returned. FULL once it brings what is refunded up to the
   * bill's amount, PARTIAL before; counted in the order the refunds were made, so an answer never changes.
   */
  static JsonObject refund(SandboxBill bill, SandboxRefund refund) {
    BigDecimal upToThis = BigDecimal.ZERO;
    for (SandboxRefund earlier : bill.refunds()) {
      upToThis = upToThis.add(earlier.amount());
      if (earlier == refund) {
        break;
      }
    }
    String status = upToThis.compareTo(bill.amount()) >= 0 ? "FULL" : "PARTIAL";
    return new JsonObject()
        .put("amount", amount(refund.amount(), bill.issued().currency()))
        .put("dateTime", timestamp(refund.createdAt()))
        .put("refundId", refund.refundId())
        .put("status", status);
  }

  /** QIWI's error body; traceId is random hex, as QIWI's differs on every answer. */
  static JsonObject error(String errorCode, String description, Instant now) {
    return new JsonObject()
        .put("serviceName", "invoicing-api")
        .put("errorCode", errorCode)
        .put("description", description)
        .put("userMessage", description)
        .put("dateTime", timestamp(now))
        .put("traceId", Long.toHexString(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT));
  }
}
