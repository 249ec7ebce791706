package dev.qiwigateway.sandbox;

import com.qiwi.billpayments.sdk.model.ResponseData;
import com.qiwi.billpayments.sdk.web.ApacheWebClient;
import com.qiwi.billpayments.sdk.web.WebClient;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.apache.http.impl.client.HttpClients;

/**
 * QIWI's SDK pointed at the sandbox: only the scheme, host and port of each request are swapped for the
 * sandbox's; method, path, headers, body and the reading of the answer are the SDK's own ApacheWebClient.
 */
final class SandboxRoutedWebClient implements WebClient {

  private final WebClient sdkClient = new ApacheWebClient(HttpClients.createDefault());
  private final int port;

  SandboxRoutedWebClient(int port) {
    this.port = port;
  }

  @Override
  public ResponseData request(String method, String url, Optional<String> entity, Map<String, String> headers) {
    URI qiwi = URI.create(url);
    String routed = "http://127.0.0.1:" + port + qiwi.getRawPath() + (qiwi.getRawQuery() == null ? "" : "?" + qiwi.getRawQuery());
    return sdkClient.request(method, routed, entity, headers);
  }
}
