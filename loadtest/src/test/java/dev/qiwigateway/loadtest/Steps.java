package dev.qiwigateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.http.Http;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A named request of a checkout, timed into the {@link RequestLog} under "name stage". */
final class Steps {

  private final RequestLog log;

  Steps(RequestLog log) {
    this.log = log;
  }

  ChainBuilder step(String name, Function<Http, HttpRequestActionBuilder> request, CheckBuilder... checks) {
    List<CheckBuilder> all = new ArrayList<>();
    all.add(responseTimeInMillis().saveAs(RequestLog.TIME));
    all.addAll(List.of(checks));
    return exec(request.apply(http(name + " #{stage}")).check(all))
        .exec(session -> log.record(session, name + " " + session.getString("stage")));
  }
}
