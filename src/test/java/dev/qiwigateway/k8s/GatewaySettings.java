package dev.qiwigateway.k8s;

import dev.qiwigateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * What the gateway itself reads, taken from the project rather than copied into the test: the defaults the
 * settings classes define (GatewayConfig.defaults()) and every setting name the config package asks for.
 * A manifest key outside this set is a setting nobody reads (a typo that silently leaves the default in force).
 */
record GatewaySettings(Set<String> names, Map<String, String> defaults) {

  /** Settings that carry credentials (docs/api.md#configuration): they belong in a Secret, never a ConfigMap. */
  static final Set<String> SECRET_SETTINGS = Set.of(
      "PG_URL", "QIWI_API_SECRET", "QIWI_SECRET_KEY", "QIWI_NOTIFY_PASSWORD", "API_TOKENS", "WEBHOOK_SECRET");

  /** Read by the JVM, not by the gateway; allowed in a container's env. */
  static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

  private static final Pattern QUOTED_NAME = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"|\\(\\s*\"([A-Z]{4,})\"");

  static GatewaySettings fromProject(Path projectRoot) {
    Map<String, String> defaults = GatewayConfig.defaults();
    Set<String> names = new TreeSet<>(defaults.keySet());
    Map<String, Object> file = new Yaml().load(readString(projectRoot.resolve("conf/application.yaml")));
    names.addAll(file == null ? Set.of() : file.keySet().stream().map(String::valueOf).toList());
    try (Stream<Path> sources = Files.list(projectRoot.resolve("src/main/java/dev/qiwigateway/config"))) {
      sources.filter(p -> p.toString().endsWith(".java")).forEach(source -> {
        Matcher m = QUOTED_NAME.matcher(readString(source));
        while (m.find()) {
          names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GatewaySettings(Set.copyOf(names), Map.copyOf(defaults));
  }

  boolean known(String name) {
    return names.contains(name);
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
