package dev.qiwigateway.sandbox;

import dev.qiwigateway.sandbox.protocol.BillStatus;
import dev.qiwigateway.sandbox.protocol.FormBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * The payment page at the payUrl, where a person (or a test acting like a
 * browser) pays, declines, or makes the payment fail. A button press is an HTML form POST; the buyer
 * is then sent back to successUrl/failUrl with {@code order={bill_id}}, or shown the result.
 */
final class PaymentPage {

  static final String PATH = "/order/external/main.action";
  /** The v1 payUrl, {@code /form/?invoice_uid=...}, to which QIWI's SDKs append {@code &successUrl=...}. */
  static final String V1_PATH = "/form/";

  private final String prvId;
  private final BillLedger ledger;

  PaymentPage(String prvId, BillLedger ledger) {
    this.prvId = prvId;
    this.ledger = ledger;
  }

  void mount(Router router) {
    router.get(PATH).handler(this::show);
    router.get(V1_PATH).handler(this::showV1);
    router.post(PATH).handler(ctx -> ctx.request().body()
        .onSuccess(body -> press(ctx, body))
        .onFailure(ctx::fail));
  }

  private void show(RoutingContext ctx) {
    CheckoutParams checkout;
    try {
      checkout = CheckoutParams.parse(name -> ctx.queryParams().get(name));
    } catch (IllegalArgumentException badLink) {
      html(ctx, 400, PaymentPageHtml.error("Bad payment link", badLink.getMessage()));
      return;
    }
    findBill(ctx, checkout).ifPresent(bill -> html(ctx, 200, PaymentPageHtml.bill(bill, checkout)));
  }

  private void showV1(RoutingContext ctx) {
    Optional<SandboxBill> bill = ledger.findByInvoiceUid(ctx.queryParams().get("invoice_uid"));
    if (bill.isEmpty()) {
      html(ctx, 404, PaymentPageHtml.error("Bill not found", "There is no bill with this invoice_uid."));
      return;
    }
    CheckoutParams checkout;
    try {
      checkout = CheckoutParams.parse(name -> switch (name) {
        case "shop" -> prvId;
        case "transaction" -> bill.get().billId();
        case "successUrl" -> ctx.queryParams().get("successUrl");
        default -> null;
      });
    } catch (IllegalArgumentException badLink) {
      html(ctx, 400, PaymentPageHtml.error("Bad payment link", badLink.getMessage()));
      return;
    }
    html(ctx, 200, PaymentPageHtml.bill(bill.get(), checkout));
  }

  private void press(RoutingContext ctx, Buffer body) {
    Map<String, String> form;
    CheckoutParams checkout;
    BillStatus target;
    try {
      form = FormBody.decode(body.getBytes())
          .orElseThrow(() -> new IllegalArgumentException("The form is not a UTF-8 form submission."));
      checkout = CheckoutParams.parse(form);
      target = target(form.get("action"));
    } catch (IllegalArgumentException badForm) {
      html(ctx, 400, PaymentPageHtml.error("Bad payment form", badForm.getMessage()));
      return;
    }
    findBill(ctx, checkout).ifPresent(bill -> apply(ctx, bill, checkout, target));
  }

  private void apply(RoutingContext ctx, SandboxBill bill, CheckoutParams checkout, BillStatus target) {
    if (bill.isV1() && target == BillStatus.UNPAID) {
      html(ctx, 400, PaymentPageHtml.error("Bad payment form", "A v1 bill has no unpaid status: pay or decline."));
      return;
    }
    if (!ledger.finish(bill, target)) {
      html(ctx, 409, PaymentPageHtml.result(bill, "Nothing changed: the bill was already "
          + bill.status().wireName() + "."));
      return;
    }
    String returnTo = checkout.returnTo(target == BillStatus.PAID);
    if (returnTo == null) {
      html(ctx, 200, PaymentPageHtml.result(bill, "The bill is now " + bill.status().wireName() + "."));
      return;
    }
    ctx.response().setStatusCode(303).putHeader("Location", returnTo).end();
  }

  private Optional<SandboxBill> findBill(RoutingContext ctx, CheckoutParams checkout) {
    Optional<SandboxBill> bill = prvId.equals(checkout.shop()) ? ledger.find(checkout.billId()) : Optional.empty();
    if (bill.isEmpty()) {
      html(ctx, 404, PaymentPageHtml.error("Bill not found",
          "There is no bill " + checkout.billId() + " of shop " + checkout.shop() + "."));
    }
    return bill;
  }

  private static BillStatus target(String action) {
    if (action == null) {
      throw new IllegalArgumentException("The form must say what to do: pay, decline or fail.");
    }
    return switch (action) {
      case "pay" -> BillStatus.PAID;
      case "decline" -> BillStatus.REJECTED;
      case "fail" -> BillStatus.UNPAID;
      default -> throw new IllegalArgumentException("Unknown action " + action + ": pay, decline or fail.");
    };
  }

  private static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
  }
}
