package dev.qiwigateway.qiwi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QIWI bill API in either dialect (docs/qiwi.md#operations, docs/qiwi.md#responses-and-result-codes). Arguments are validated before any
 * I/O (an invalid one throws {@link IllegalArgumentException}); every HTTP attempt goes through the
 * {@link QiwiCallGuard} and fails with a {@link QiwiException} when it yields no usable answer.
 */
public final class QiwiClient {

  private static final Logger LOG = LoggerFactory.getLogger(QiwiClient.class);
  private static final String ACCEPT_JSON = "text/json";
  private static final String FORM_UTF8 = "application/x-www-form-urlencoded; charset=utf-8";

  private final WebClient web;
  private final QiwiClientSettings settings;
  private final QiwiCallGuard guard;
  private final QiwiCallMetrics metrics;
  private final IntegrationAlarm alarm;
  private final String authorization;

  public QiwiClient(WebClient web, QiwiClientSettings settings, QiwiCallGuard guard, MeterRegistry registry) {
    this.web = Objects.requireNonNull(web, "web");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.metrics = new QiwiCallMetrics(Objects.requireNonNull(registry, "registry"));
    this.alarm = new IntegrationAlarm(registry);
    this.authorization = settings.credentials().authorization(settings.dialect());
  }

  public Future<QiwiBill> issueBill(BillIssue issue) {
    Objects.requireNonNull(issue, "issue");
    String billId = issue.billId();
    return call(new Exchange<>(QiwiOperation.ISSUE_BILL, HttpMethod.PUT, billPath(billId), issueForm(issue),
        (status, body) -> QiwiResponseParser.bill(QiwiOperation.ISSUE_BILL, billId, status, body)));
  }

  public Future<QiwiBill> billStatus(String billId) {
    requireBillId(billId);
    return call(new Exchange<>(QiwiOperation.BILL_STATUS, HttpMethod.GET, billPath(billId), null,
        (status, body) -> QiwiResponseParser.bill(QiwiOperation.BILL_STATUS, billId, status, body)));
  }

  /** Asks QIWI to reject an unpaid bill; after any failure only {@link #billStatus} tells the truth. */
  public Future<QiwiBill> cancelBill(String billId) {
    requireBillId(billId);
    return call(new Exchange<>(QiwiOperation.CANCEL_BILL, HttpMethod.PATCH, billPath(billId),
        FormCodec.encode(Map.of("status", "rejected")),
        (status, body) -> QiwiResponseParser.bill(QiwiOperation.CANCEL_BILL, billId, status, body)));
  }

  /** Creates (or, with the same ids and amount, repeats) the refund {@code refundId} of a paid bill. */
  public Future<QiwiRefund> refund(String billId, String refundId, BigDecimal amount) {
    requireBillId(billId);
    requireRefundId(refundId);
    String form = FormCodec.encode(Map.of("amount", QiwiAmount.format(Objects.requireNonNull(amount, "amount"))));
    return call(new Exchange<>(QiwiOperation.REFUND, HttpMethod.PUT, refundPath(billId, refundId), form,
        (status, body) -> QiwiResponseParser.refund(QiwiOperation.REFUND, refundId, status, body)));
  }

  public Future<QiwiRefund> refundStatus(String billId, String refundId) {
    requireBillId(billId);
    requireRefundId(refundId);
    return call(new Exchange<>(QiwiOperation.REFUND_STATUS, HttpMethod.GET, refundPath(billId, refundId), null,
        (status, body) -> QiwiResponseParser.refund(QiwiOperation.REFUND_STATUS, refundId, status, body)));
  }

  private static String issueForm(BillIssue issue) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("user", issue.user());
    form.put("amount", QiwiAmount.format(issue.amount()));
    form.put("ccy", issue.currency());
    form.put("comment", issue.comment());
    form.put("lifetime", QiwiLifetime.format(issue.lifetime()));
    if (issue.paySource() != null) {
      form.put("pay_source", issue.paySource());
    }
    if (issue.providerName() != null) {
      form.put("prv_name", issue.providerName());
    }
    return FormCodec.encode(form);
  }

  private <T> Future<T> call(Exchange<T> exchange) {
    return guard.call(exchange.operation(), () -> attempt(exchange));
  }

  /** One HTTP exchange, built afresh on every invocation so that a guard may repeat it. */
  private <T> Future<T> attempt(Exchange<T> exchange) {
    Timer.Sample sample = metrics.start();
    return send(exchange)
        .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(transportFailure(exchange.operation(), failure)))
        .map(response -> exchange.parser().apply(response.statusCode(), response.body()))
        .andThen(result -> {
          metrics.record(sample, exchange.operation(), result);
          alarm.observe(exchange.operation(), result);
          logFailure(result.cause());
        });
  }

  private Future<HttpResponse<Buffer>> send(Exchange<?> exchange) {
    // The request timeout bounds connecting and silence; the future's timeout above bounds the whole exchange.
    HttpRequest<Buffer> request = web.requestAbs(exchange.method(), settings.baseUrl() + exchange.path())
        .putHeader(HttpHeaders.ACCEPT.toString(), ACCEPT_JSON)
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization)
        .timeout(settings.timeoutMs());
    if (exchange.form() == null) {
      return request.send();
    }
    return request
        .putHeader(HttpHeaders.CONTENT_TYPE.toString(), FORM_UTF8)
        .sendBuffer(Buffer.buffer(exchange.form(), StandardCharsets.UTF_8.name()));
  }

  private QiwiException.TransportFailure transportFailure(QiwiOperation operation, Throwable failure) {
    return new QiwiException.TransportFailure(operation, describe(failure), failure);
  }

  private String describe(Throwable failure) {
    if (failure instanceof TimeoutException) {
      return "timeout after " + settings.timeoutMs() + " ms";
    }
    if (failure instanceof ConnectException) {
      return "connection refused";
    }
    if (failure instanceof HttpClosedException) {
      return "connection closed";
    }
    if (failure instanceof IOException) {
      return "connection failure (" + failure.getClass().getSimpleName() + ")";
    }
    return "request failed (" + failure.getClass().getSimpleName() + ")";
  }

  /** A refusal that needs an operator is the {@link IntegrationAlarm}'s to report. */
  private static void logFailure(Throwable failure) {
    if (failure instanceof QiwiException.Rejection rejection && rejection.needsOperator()) {
      return;
    }
    if (failure instanceof QiwiException refusal && refusal.needsOperator()) {
      LOG.error("QIWI refused the integration itself, an operator must act: {}", refusal.getMessage());
    } else if (failure != null) {
      LOG.debug("QIWI attempt failed: {}", failure.getMessage());
    }
  }

  private String billPath(String billId) {
    return settings.dialect().billPath(settings.credentials().prvId(), billId);
  }

  private String refundPath(String billId, String refundId) {
    return settings.dialect().refundPath(settings.credentials().prvId(), billId, refundId);
  }

  private static void requireBillId(String billId) {
    if (!QiwiIds.isBillId(billId)) {
      throw new IllegalArgumentException("bill_id must be 1-30 characters [A-Za-z0-9._-]");
    }
  }

  private static void requireRefundId(String refundId) {
    if (!QiwiIds.isRefundId(refundId)) {
      throw new IllegalArgumentException("refund_id must be 1-9 characters [A-Za-z0-9]");
    }
  }

  /** Everything needed to send one call again: the form is kept as text, the request is rebuilt. */
  private record Exchange<T>(QiwiOperation operation, HttpMethod method, String path, String form,
      BiFunction<Integer, Buffer, T> parser) {
  }
}
