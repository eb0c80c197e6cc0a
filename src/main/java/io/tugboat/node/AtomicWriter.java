package io.tugboat.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kubelet's atomic writer for configMap, secret, downwardAPI and projected volumes: the files go into a new
 * timestamped directory "..2026_11_22_02_50_00.123456789", then the "..data" symlink is swapped to it in one
 * rename, so a reader sees the old set or the new set, never a mix. The visible names are symlinks into
 * "..data" ("key" → "..data/key"), made once. An unchanged payload writes nothing.
 */
public final class AtomicWriter {
  private static final String DATA = "..data";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.nnnnnnnnn").withZone(ZoneOffset.UTC);

  private final Clock clock;

  /** A writer naming its directories by this clock. */
  public AtomicWriter(Clock clock) {
    this.clock = clock;
  }

  /** Writes the payload into {@code dir}; answers whether anything changed. */
  public boolean write(Path dir, Map<String, VolumePayloads.FileContent> payload) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    if (old != null && same(old, payload)) {
      return false;
    }
    String name = STAMP.format(clock.instant());
    Path fresh = dir.resolve(name);
    for (int i = 1; Files.exists(fresh, LinkOption.NOFOLLOW_LINKS); i++) {
      fresh = dir.resolve(name + "_" + i);
    }
    Files.createDirectory(fresh);
    for (Map.Entry<String, VolumePayloads.FileContent> f : payload.entrySet()) {
      Path file = fresh.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, f.getValue().data());
      permissions(file, f.getValue().mode());
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, fresh.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Set<String> top = new HashSet<>();
    for (String path : payload.keySet()) {
      top.add(path.contains("/") ? path.substring(0, path.indexOf('/')) : path);
    }
    for (String t : top) {
      Path link = dir.resolve(t);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of(DATA, t));
      }
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (!n.startsWith("..") && Files.isSymbolicLink(p) && !top.contains(n)) {
          Files.delete(p); // a key that is gone
        }
      }
    }
    if (old != null && !old.equals(fresh)) {
      deleteTree(old);
    }
    return true;
  }

  private static boolean same(Path dir, Map<String, VolumePayloads.FileContent> payload) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    int files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = (int) walk.filter(Files::isRegularFile).count();
    }
    if (files != payload.size()) {
      return false;
    }
    for (Map.Entry<String, VolumePayloads.FileContent> f : payload.entrySet()) {
      Path file = dir.resolve(f.getKey());
      if (!Files.isRegularFile(file) || !java.util.Arrays.equals(Files.readAllBytes(file), f.getValue().data())
          || mode(file) != f.getValue().mode()) {
        return false;
      }
    }
    return true;
  }

  static void permissions(Path file, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    Files.setPosixFilePermissions(file, perms);
  }

  static int mode(Path file) throws IOException {
    int mode = 0;
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if (perms.contains(order[i])) {
        mode |= 1 << i;
      }
    }
    return mode;
  }

  /** Removes a directory tree without following symlinks. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
