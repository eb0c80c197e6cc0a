package io.tugboat.runtime.image;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example images (busybox and the nginx stand-in, see scripts/build-images) for tests: built once per build
 * into target/images and loaded into the store a test gives. A test calling {@link #ensure} is skipped, with the
 * reason, where busybox-static cannot be had.
 */
public final class TestImages {
  /** The busybox image's names. */
  public static final List<String> BUSYBOX = List.of("busybox:latest", "busybox:1.36");
  /** The nginx stand-in's names. */
  public static final List<String> NGINX = List.of("nginx:latest", "nginx:1.14", "nginx:1.14.2",
      "nginx:1.14-alpine", "nginx:1.15", "nginx:1.15-alpine", "nginx:1.16");
  private static final long BUILD_TIMEOUT_SECONDS = 300;

  private static Path built;

  private TestImages() {}

  /** Makes sure busybox and nginx (all their tags) are in {@code store}; skips the calling test if they cannot be. */
  public static void ensure(ImageStore store) {
    boolean present = BUSYBOX.stream().allMatch(n -> store.resolve(n).isPresent())
        && NGINX.stream().allMatch(n -> store.resolve(n).isPresent());
    if (!present) {
      Path dir = archives();
      store.load(dir.resolve("busybox.tar"));
      store.load(dir.resolve("nginx.tar"));
    }
  }

  /**
   * The directory holding busybox.tar and nginx.tar: target/images, built by the script when missing or older
   * than the script.
   */
  public static synchronized Path archives() {
    if (built != null) {
      return built;
    }
    Path root = projectRoot();
    Path script = root.resolve("scripts/build-images");
    Path out = root.resolve("target/images");
    try {
      if (!fresh(out.resolve("busybox.tar"), script) || !fresh(out.resolve("nginx.tar"), script)) {
        Path log = Files.createTempFile("build-images", ".log");
        try {
          Process p = new ProcessBuilder(script.toString(), out.toString()).redirectErrorStream(true)
              .redirectOutput(log.toFile()).start();
          if (!p.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            abort("scripts/build-images did not finish within " + BUILD_TIMEOUT_SECONDS + " s (apt-get hanging "
                + "without a network?): " + Files.readString(log, StandardCharsets.UTF_8));
          }
          String output = Files.readString(log, StandardCharsets.UTF_8);
          if (p.exitValue() == 3) {
            abort("example images not built, busybox-static cannot be obtained here: " + output.trim());
          }
          if (p.exitValue() != 0) {
            throw new IllegalStateException("scripts/build-images failed (status " + p.exitValue() + "):\n" + output);
          }
        } finally {
          Files.deleteIfExists(log);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    built = out;
    return out;
  }

  private static boolean fresh(Path archive, Path script) throws IOException {
    return Files.isRegularFile(archive)
        && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(script)) >= 0;
  }

  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/build-images"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no scripts/build-images above " + Path.of("").toAbsolutePath());
  }
}
