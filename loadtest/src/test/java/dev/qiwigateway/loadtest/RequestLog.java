package dev.qiwigateway.loadtest;

import io.gatling.javaapi.core.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures the scripts quote, kept by the simulation itself from the same responses Gatling
 * reports (Gatling 3.14 keeps its own statistics in a binary log and HTML only). Per request name:
 * answers, failures, exact latency percentiles in Gatling's millisecond resolution, and the span
 * from the first request's start to the last answer, which turns a count into a sustained rate.
 *
 * <p>Each request's checks must begin with {@code responseTimeInMillis().saveAs(RequestLog.TIME)}, so
 * the time is saved even when a later check fails; {@link #record} then reads and clears it.
 * Written as {@code requests.tsv} into {@code -Dresults.dir} when the simulation ends.
 */
final class RequestLog {

  static final String TIME = "responseTimeMs";

  private static final class Series {
    private int[] latencies = new int[1024];
    private int count;
    private long ko;
    private long unanswered;
    private long firstStartMs = Long.MAX_VALUE;
    private long lastEndMs;

    void add(long nowMs, Integer latencyMs, boolean ok) {
      if (!ok) {
        ko++;
      }
      // A request without an answer (timeout, refused connection) has no latency to count.
      if (latencyMs == null) {
        unanswered++;
        lastEndMs = Math.max(lastEndMs, nowMs);
        return;
      }
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = latencyMs;
      firstStartMs = Math.min(firstStartMs, nowMs - latencyMs);
      lastEndMs = Math.max(lastEndMs, nowMs);
    }
  }

  private final Map<String, Series> series = new TreeMap<>();

  /** Records the request just made under {@code name}; marks the session succeeded for the next one. */
  Session record(Session session, String name) {
    Integer latency = session.contains(TIME) ? session.getInt(TIME) : null;
    boolean ok = !session.isFailed();
    long now = System.currentTimeMillis();
    synchronized (this) {
      series.computeIfAbsent(name, n -> new Series()).add(now, latency, ok);
    }
    return session.remove(TIME).markAsSucceeded();
  }

  /** One line per name: name, requests, ok, ko, p50, p95, p99, max, mean (ms), span (s), ok per second. */
  synchronized void write() {
    String dir = System.getProperty("results.dir", "");
    if (dir.isEmpty()) {
      return;
    }
    StringBuilder out = new StringBuilder("name\trequests\tok\tko\tp50_ms\tp95_ms\tp99_ms\tmax_ms\tmean_ms\tspan_s\tok_per_s\n");
    series.forEach((name, s) -> {
      int[] sorted = Arrays.copyOf(s.latencies, s.count);
      Arrays.sort(sorted);
      long requests = s.count + s.unanswered;
      long ok = requests - s.ko;
      double spanS = s.count == 0 ? 0 : (s.lastEndMs - s.firstStartMs) / 1000.0;
      out.append(String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f%n", name, requests, ok,
          s.ko, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1],
          Arrays.stream(sorted).average().orElse(0), spanS, spanS == 0 ? 0 : ok / spanS));
    });
    try {
      Files.createDirectories(Path.of(dir));
      Files.writeString(Path.of(dir, "requests.tsv"), out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Nearest-rank percentile, as Gatling reports them. */
  private static int pct(int[] sorted, double percentile) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
