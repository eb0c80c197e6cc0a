package io.tugboat.runtime.process;

import io.tugboat.runtime.ImageNames;
import io.tugboat.runtime.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A one-image store for runtime tests: "busybox" as a root filesystem built from the host's static busybox
 * (Debian's busybox-static) with a symlink per applet, /etc/passwd and the usual empty directories.
 */
final class BusyboxImages implements ImageStore {
  private final Image image;

  private BusyboxImages(Image image) {
    this.image = image;
  }

  /** The static busybox of the host, or empty when busybox-static is not installed. */
  static Optional<Path> hostBusybox() {
    for (String p : List.of("/bin/busybox", "/usr/bin/busybox")) {
      Path path = Path.of(p);
      if (Files.isExecutable(path)) {
        Shell.Result r = Shell.run(List.of("file", "-L", p), null);
        // Only a static binary runs in a root filesystem without libc.
        if (!r.ok() || r.out().contains("statically linked")) {
          return Optional.of(path);
        }
      }
    }
    return Optional.empty();
  }

  /** The images built from the host's static busybox into {@code dir}; skips the calling tests without one. */
  static BusyboxImages buildOrSkip(Path dir) throws IOException {
    Path busybox = hostBusybox().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(busybox != null,
        "skipped: no static busybox (apt-get install -y busybox-static)");
    return build(busybox, dir);
  }

  /** Builds the root filesystem under {@code dir} from {@code busybox}. */
  static BusyboxImages build(Path busybox, Path dir) throws IOException {
    Path rootfs = dir.resolve("busybox-rootfs");
    Path bin = rootfs.resolve("bin");
    Files.createDirectories(bin);
    for (String d : List.of("etc", "proc", "sys", "dev", "tmp", "root", "usr/bin", "var")) {
      Files.createDirectories(rootfs.resolve(d));
    }
    Files.copy(busybox, bin.resolve("busybox"));
    bin.resolve("busybox").toFile().setExecutable(true, false);
    for (String applet : Shell.check(busybox.toString(), "--list").split("\n")) {
      if (!applet.isBlank() && !applet.equals("busybox")) {
        Files.createSymbolicLink(bin.resolve(applet.trim()), Path.of("busybox"));
      }
    }
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    String ref = ImageNames.normalize("busybox");
    return new BusyboxImages(new Image("sha256:" + "b".repeat(64), List.of(ref), rootfs, List.of(), List.of("sh"),
        List.of("PATH=/bin"), "", "", Map.of(), 0));
  }

  @Override
  public Optional<Image> resolve(String reference) {
    return image.names().contains(ImageNames.normalize(reference)) ? Optional.of(image) : Optional.empty();
  }

  @Override
  public List<Image> list() {
    return List.of(image);
  }

  @Override
  public List<Image> load(Path archive) {
    throw new UnsupportedOperationException("test image store");
  }

  @Override
  public boolean remove(String reference) {
    return false;
  }
}
