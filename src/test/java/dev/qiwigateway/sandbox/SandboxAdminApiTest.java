package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sandbox admin API shows and steers bills, statistics and faults")
class SandboxAdminApiTest extends SandboxTestBase {

  @Test
  @DisplayName("a bill's admin view shows its parameters, refunds and how many issue PUTs reached it")
  void billView(VertxTestContext ctx) {
    var fields = SandboxClient.billFields(clock);
    client.issue(Dialect.REST_V3, "order-v", fields)
        .compose(first -> client.issue(Dialect.PULL_V2, "order-v", SandboxClient.with(fields, "amount", "12.00")))
        .compose(conflict -> client.admin(HttpMethod.POST, "/sandbox/bills/order-v/pay", null))
        .compose(paid -> client.refund(Dialect.REST_V3, "order-v", "r1", "1.00"))
        .compose(refund -> client.adminBill("order-v"))
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getString("status")).isEqualTo("paid");
          assertThat(bill.getString("amount")).isEqualTo("10.00");
          assertThat(bill.getString("lifetime")).isEqualTo(fields.get("lifetime"));
          assertThat(bill.getInteger("issueRequests")).isEqualTo(2);
          JsonObject refund = bill.getJsonArray("refunds").getJsonObject(0);
          assertThat(refund.getString("refundId")).isEqualTo("r1");
          assertThat(refund.getString("status")).isEqualTo("processing");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("statistics count requests per operation and result code, and per dialect")
  void stats(VertxTestContext ctx) {
    client.issue(Dialect.REST_V3, "order-s", SandboxClient.billFields(clock))
        .compose(issued -> client.status(Dialect.PULL_V2, "order-s"))
        .compose(status -> client.status(Dialect.PULL_V2, "nobody"))
        .compose(unknown -> client.cancel(Dialect.REST_V3, "order-s"))
        .compose(cancelled -> client.admin(HttpMethod.GET, "/sandbox/stats", null))
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          JsonObject requests = stats.getJsonObject("requests");
          assertThat(requests.getJsonObject("issue").getLong("0")).isEqualTo(1);
          assertThat(requests.getJsonObject("status").getLong("0")).isEqualTo(1);
          assertThat(requests.getJsonObject("status").getLong("210")).isEqualTo(1);
          assertThat(requests.getJsonObject("cancel").getLong("0")).isEqualTo(1);
          assertThat(stats.getLong("requestsTotal")).isEqualTo(4);
          assertThat(stats.getJsonObject("requestsByDialect").getLong("pull-v2")).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("reset forgets bills, faults and statistics")
  void reset(VertxTestContext ctx) {
    client.issue(Dialect.REST_V3, "order-z", SandboxClient.billFields(clock))
        .compose(issued -> client.addFault(new JsonObject().put("fault", "hang")))
        .compose(fault -> client.adminRaw(HttpMethod.POST, "/sandbox/reset", null))
        .compose(reset -> {
          assertThat(reset.statusCode()).isEqualTo(200);
          return Future.all(client.adminRaw(HttpMethod.GET, "/sandbox/bills/order-z", null),
              client.admin(HttpMethod.GET, "/sandbox/faults", null), client.status(Dialect.REST_V3, "order-z"));
        })
        .compose(all -> {
          assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(404);
          assertThat(all.<JsonObject>resultAt(1).getJsonArray("faults")).isEmpty();
          assertThat(all.<QiwiReply>resultAt(2).resultCode()).as("no hang after reset").isEqualTo(210);
          return client.admin(HttpMethod.GET, "/sandbox/stats", null);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertThat(stats.getLong("requestsTotal")).as("only the status call after the reset").isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("bad admin input gets 400 with a message; unknown bills and refunds 404")
  void badInput(VertxTestContext ctx) {
    client.issue(Dialect.REST_V3, "order-b", SandboxClient.billFields(clock))
        .compose(issued -> Future.all(List.of(
            client.adminRaw(HttpMethod.POST, "/sandbox/bills/order-b/refund", null),
            client.adminRaw(HttpMethod.POST, "/sandbox/bills/order-b/refunds/r1/settle?status=processing", null),
            client.web().post(client.port(), "127.0.0.1", "/sandbox/faults").sendBuffer(Buffer.buffer("not json")),
            client.adminRaw(HttpMethod.DELETE, "/sandbox/faults/abc", null),
            client.adminRaw(HttpMethod.GET, "/sandbox/bills/nobody", null),
            client.adminRaw(HttpMethod.POST, "/sandbox/bills/nobody/pay", null),
            client.adminRaw(HttpMethod.POST, "/sandbox/bills/order-b/refunds/r9/settle?status=success", null))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          int[] expected = {400, 400, 400, 400, 404, 404, 404};
          for (int i = 0; i < expected.length; i++) {
            HttpResponse<Buffer> answer = all.resultAt(i);
            assertThat(answer.statusCode()).as("call #" + i).isEqualTo(expected[i]);
            assertThat(answer.bodyAsJsonObject().getString("error")).isNotBlank();
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the admin index lists the endpoints")
  void index(VertxTestContext ctx) {
    client.admin(HttpMethod.GET, "/sandbox", null)
        .onComplete(ctx.succeeding(index -> ctx.verify(() -> {
          assertThat(index.getJsonArray("endpoints").getList()).isEqualTo(AdminApi.ENDPOINTS);
          ctx.completeNow();
        })));
  }
}
