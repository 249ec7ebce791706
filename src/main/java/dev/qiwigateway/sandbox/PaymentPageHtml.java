package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.Amount;
import dev.qiwigateway.sandbox.protocol.BillStatus;

/** The HTML of the payment page: plain, self-contained, every value escaped. */
final class PaymentPageHtml {

  private static final String STYLE = """
      body{font-family:sans-serif;max-width:34em;margin:3em auto;padding:0 1em;color:#222}
      h1{font-size:1.4em}table{border-collapse:collapse;margin:1em 0}
      td{padding:.3em 1em .3em 0;vertical-align:top}td:first-child{color:#666}
      .buttons button{font-size:1em;padding:.5em 1.2em;margin-right:.6em;cursor:pointer}
      .pay{background:#ff8c00;color:#fff;border:0}.note{color:#666;font-size:.9em}
      """;

  private PaymentPageHtml() {
  }

  /** The bill with its buttons; the buttons exist only while the bill can still be paid. */
  static String bill(SandboxBill bill, CheckoutParams checkout) {
    IssueRequest issued = bill.issued();
    StringBuilder form = new StringBuilder();
    if (bill.status() == BillStatus.WAITING) {
      form.append("<form method=\"post\" action=\"").append(PaymentPage.PATH).append("\" class=\"buttons\">")
          .append(hidden("shop", checkout.shop()))
          .append(hidden("transaction", issued.billId()));
      if (checkout.successUrl() != null) {
        form.append(hidden("successUrl", checkout.successUrl()));
      }
      if (checkout.failUrl() != null) {
        form.append(hidden("failUrl", checkout.failUrl()));
      }
      form.append("<button type=\"submit\" name=\"action\" value=\"pay\" class=\"pay\">Pay</button>")
          .append("<button type=\"submit\" name=\"action\" value=\"decline\">Decline</button>");
      // QIWI's v1 API has no unpaid status: a failed payment leaves a v1 bill waiting.
      if (!bill.isV1()) {
        form.append("<button type=\"submit\" name=\"action\" value=\"fail\">Payment fails</button>");
      }
      form.append("</form><p class=\"note\">QIWI sandbox: no money moves. Pay makes the bill paid, Decline")
          .append(bill.isV1() ? " rejected.</p>" : " rejected, Payment fails unpaid.</p>");
    } else {
      form.append("<p>This bill is <strong>").append(escape(bill.status().wireName()))
          .append("</strong> and can no longer be paid.</p>");
    }
    String details = "<table>"
        + row("Bill", issued.billId())
        + row("Amount", Amount.format(issued.amount()) + " " + issued.currency())
        + row("Comment", issued.comment())
        + (issued.prvName() == null ? "" : row("Shop", issued.prvName()))
        + (issued.user() == null ? "" : row("Wallet", issued.user()))
        + row("Status", bill.status().wireName())
        + "</table>";
    return page("Pay bill " + issued.billId(), details + form);
  }

  /** QIWI's older web form asks the buyer for the amount when the link names none; the rest rides along hidden. */
  static String amountEntry(String action, io.vertx.core.MultiMap given) {
    StringBuilder form = new StringBuilder("<form method=\"get\" action=\"").append(escape(action)).append("\">");
    given.names().stream().filter(name -> !name.equals("summ"))
        .forEach(name -> form.append(hidden(name, given.get(name))));
    form.append("<p><label>Amount <input name=\"summ\" required pattern=\"\\d{1,6}(\\.\\d{1,2})?\"></label></p>")
        .append("<p class=\"buttons\"><button type=\"submit\" class=\"pay\">Issue the bill</button></p></form>");
    return page("Issue a bill", form.toString());
  }

  static String result(SandboxBill bill, String message) {
    return page("Bill " + bill.billId(), "<p>" + escape(message) + "</p><table>"
        + row("Bill", bill.billId()) + row("Status", bill.status().wireName()) + "</table>");
  }

  static String error(String title, String message) {
    return page(title, "<p>" + escape(message) + "</p>");
  }

  private static String page(String title, String content) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
        + " · QIWI sandbox</title><style>" + STYLE + "</style></head><body><h1>" + escape(title) + "</h1>"
        + content + "</body></html>";
  }

  private static String row(String label, String value) {
    return "<tr><td>" + escape(label) + "</td><td>" + escape(value) + "</td></tr>";
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
