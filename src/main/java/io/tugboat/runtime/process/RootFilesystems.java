package io.tugboat.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's writable root filesystem over its image's read-only one: an overlayfs mount
 * ({@code <dir>/rootfs} with {@code upper} and {@code work} beside it), or a copy of the image where overlayfs
 * cannot be mounted.
 */
final class RootFilesystems {
  private RootFilesystems() {}

  /** Makes {@code dir/rootfs}; true when it is an overlay mount (which {@link #release} unmounts). */
  static boolean prepare(Path image, Path dir) throws IOException {
    Path rootfs = dir.resolve("rootfs");
    Path upper = dir.resolve("upper");
    Path work = dir.resolve("work");
    Files.createDirectories(rootfs);
    Files.createDirectories(upper);
    Files.createDirectories(work);
    String options = "lowerdir=" + image.toAbsolutePath() + ",upperdir=" + upper + ",workdir=" + work;
    if (Shell.quiet("mount", "-t", "overlay", "overlay", "-o", options, rootfs.toString())) {
      return true;
    }
    Shell.check("cp", "-a", image.toAbsolutePath() + "/.", rootfs.toString());
    return false;
  }

  /** Unmounts {@code dir/rootfs} if it is mounted. */
  static void release(Path dir) {
    Path rootfs = dir.resolve("rootfs").toAbsolutePath();
    if (mounted(rootfs) && !Shell.quiet("umount", rootfs.toString())) {
      Shell.quiet("umount", "-l", rootfs.toString());
    }
  }

  /** Unmounts and deletes every container directory under {@code root} (left by a runtime that died). */
  static void releaseAll(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        release(dir);
        HostFiles.deleteTree(dir);
      }
    } catch (IOException e) {
      // nothing to release
    }
  }

  /** Whether {@code path} is a mount point (per /proc/self/mountinfo). */
  static boolean mounted(Path path) {
    String target = " " + path.toAbsolutePath() + " ";
    return HostFiles.readOrEmpty(Path.of("/proc/self/mountinfo")).lines().anyMatch(l -> l.contains(target));
  }
}
