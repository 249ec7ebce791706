package dev.qiwigateway.webhook;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where webhooks go. Credentials in the URL ({@code https://user:pass@host/hooks}) become a Basic
 * Authorization header instead of travelling in the request line; neither is ever logged.
 */
record WebhookEndpoint(String url, String authorization) {

  static WebhookEndpoint of(String configured) {
    URI uri = URI.create(configured);
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return new WebhookEndpoint(configured, null);
    }
    String withoutCredentials = configured.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^@/]*@", "$1");
    String credentials = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
    return new WebhookEndpoint(withoutCredentials,
        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "WebhookEndpoint[" + url + (authorization == null ? "" : ", credentials redacted") + "]";
  }
}
