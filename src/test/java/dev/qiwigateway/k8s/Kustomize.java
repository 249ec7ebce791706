package dev.qiwigateway.k8s;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with {@code kubectl kustomize}, exactly as an operator would before applying it. */
final class Kustomize {

  private static final long RENDER_LIMIT_SECONDS = 120;

  private Kustomize() {
  }

  /** kubectl from PATH, if this machine has it. */
  static Optional<Path> kubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The rendered YAML of {@code kustomizationDir}; fails with kubectl's own message when it does not render. */
  static String render(Path kubectl, Path kustomizationDir) {
    try {
      Process process = new ProcessBuilder(kubectl.toString(), "kustomize", kustomizationDir.toString())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String output = readAll(process.getInputStream());
      if (!process.waitFor(RENDER_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize " + kustomizationDir + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("kubectl kustomize " + kustomizationDir + " failed (exit " + process.exitValue()
            + "): " + errors.join());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
