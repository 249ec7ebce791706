package dev.qiwigateway.loadtest.replicas;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The driver's command line (run.sh passes every one of them): {@code --name value} pairs. */
record Options(Path jar, Path work, Path pgDir, int pgPort, Path pgLib, String psql, String label,
    int trafficSeconds, int workers) {

  static Options parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("arguments are --name value pairs; bad: " + args[i]);
      }
      given.put(args[i].substring(2), args[i + 1]);
    }
    for (String required : List.of("jar", "work", "pg-dir", "pg-port", "pg-lib", "psql")) {
      if (!given.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    return new Options(Path.of(given.get("jar")), Path.of(given.get("work")), Path.of(given.get("pg-dir")),
        Integer.parseInt(given.get("pg-port")), Path.of(given.get("pg-lib")), given.get("psql"),
        given.getOrDefault("label", "main build"), Integer.parseInt(given.getOrDefault("traffic-seconds", "100")),
        Integer.parseInt(given.getOrDefault("workers", "12")));
  }
}
