package io.tugboat.runtime.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/** Whole-tree operations on unpacked root filesystems. */
final class RootfsCopy {
  private RootfsCopy() {}

  /**
   * Recreates {@code from} at {@code to}: directories anew (same mode, owner, mtime), symbolic links anew, every
   * other file as a hard link to the same inode. Cheap, and safe because applying a layer replaces a file rather
   * than writing into it. A file that cannot be linked (another file system, link count limit) is copied.
   */
  static void linkTree(Path from, Path to) throws IOException {
    // Owners can be given away only by root: the owner of the directory this process just made tells.
    boolean owners = Integer.valueOf(0).equals(Files.getAttribute(to.getParent(), "unix:uid"));
    Deque<Path[]> dirs = new ArrayDeque<>();
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(dir).toString());
        Files.createDirectory(target);
        dirs.push(new Path[] {dir, target});
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(file).toString());
        if (attrs.isSymbolicLink()) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(file));
          if (owners) {
            copyOwner(file, target);
          }
        } else {
          try {
            Files.createLink(target, file);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
    while (!dirs.isEmpty()) { // deepest first, after their contents are in
      Path[] pair = dirs.pop();
      if (owners) {
        copyOwner(pair[0], pair[1]);
      }
      Files.setAttribute(pair[1], "unix:mode", (Integer) Files.getAttribute(pair[0], "unix:mode") & 07777);
      Files.setLastModifiedTime(pair[1], Files.getLastModifiedTime(pair[0]));
    }
  }

  private static void copyOwner(Path from, Path to) throws IOException {
    Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
  }

  /** Bytes of the regular files under {@code root}, each inode counted once. */
  static long size(Path root) throws IOException {
    AtomicLong total = new AtomicLong();
    java.util.Set<Object> seen = new java.util.HashSet<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && (attrs.fileKey() == null || seen.add(attrs.fileKey()))) {
          total.addAndGet(attrs.size());
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return total.get();
  }
}
