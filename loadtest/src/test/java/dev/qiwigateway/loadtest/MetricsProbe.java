package dev.qiwigateway.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes the gateway's Prometheus text when the steady stage begins and when it ends, so that the
 * scripts can tell what the gateway itself committed in exactly that window (and how it batched).
 * Off unless {@code -Dprobe.metricsUrl} and {@code -Dprobe.dir} are set. Runs on its own thread:
 * nothing here touches Gatling's event loops.
 */
final class MetricsProbe {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "metrics-probe");
    thread.setDaemon(true);
    return thread;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String url = System.getProperty("probe.metricsUrl", "");
  private final String dir = System.getProperty("results.dir", "");
  private final long gatewayPid = Long.getLong("probe.gatewayPid", -1);
  private final long postgresPid = Long.getLong("probe.postgresPid", -1);
  private volatile ScheduledFuture<?> end;

  /** Schedules the two scrapes from the shape's first arrival. */
  void start(LoadShape shape) {
    if (url.isEmpty() || dir.isEmpty()) {
      return;
    }
    shape.onFirstArrival(() -> schedule(shape));
  }

  private void schedule(LoadShape shape) {
    timer.schedule(() -> scrape("steady-start.prom"), shape.rampSeconds * 1000L, TimeUnit.MILLISECONDS);
    end = timer.schedule(() -> scrape("steady-end.prom"), shape.totalSeconds() * 1000L, TimeUnit.MILLISECONDS);
  }

  /** Call from after(): when the last answer came before the steady stage's planned end, the window ends now. */
  void stop() {
    ScheduledFuture<?> pending = end;
    if (pending != null && pending.cancel(false)) {
      scrape("steady-end.prom");
    }
    timer.shutdownNow();
  }

  private void scrape(String file) {
    long at = System.currentTimeMillis();
    String cpu = "# cpu_ms gateway " + (gatewayPid > 0 ? ProcessCpu.ownMs(gatewayPid) : -1) + "\n"
        + "# cpu_ms postgres " + (postgresPid > 0 ? ProcessCpu.treeMs(postgresPid) : -1) + "\n"
        + "# cpu_ms loadgen " + ProcessCpu.ownMs(ProcessHandle.current().pid()) + "\n";
    try {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      Files.createDirectories(Path.of(dir));
      Files.writeString(Path.of(dir, file), "# scraped_at_ms " + at + "\n" + cpu + answer.body(), StandardCharsets.UTF_8);
    } catch (IOException | InterruptedException e) {
      System.err.println("metrics probe: could not scrape " + url + ": " + e);
    }
  }
}
