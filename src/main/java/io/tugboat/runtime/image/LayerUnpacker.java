package io.tugboat.runtime.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Applies one image layer (a tar, gzip-compressed or plain) onto a root filesystem directory, as the OCI image
 * spec's "applying changesets" says: entries replace what lower layers had at their path, {@code .wh.NAME}
 * deletes NAME, {@code .wh..wh..opq} empties its directory of what lower layers put there. Symbolic links are
 * created as they are but never followed out of the root: a path whose parent goes through a link is resolved
 * inside the root, as a chroot would. Names with ".." or a leading "/" are rejected. Device nodes and FIFOs are
 * skipped (containers get their /dev from the runtime). Owners are applied only when running as root.
 */
final class LayerUnpacker {
  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE = ".wh..wh..opq";
  private static final int MAX_LINKS = 40;

  private final Path root;
  private final boolean applyOwners;

  /** What applying a layer found: the digest of its uncompressed tar (the diff id) and entries skipped. */
  record Result(String diffId, int skippedDevices) {}

  LayerUnpacker(Path root) throws IOException {
    this.root = root;
    Object uid = Files.getAttribute(root, "unix:uid");
    this.applyOwners = Integer.valueOf(0).equals(uid);
  }

  /**
   * Applies the layer read from {@code blob} (compressed or not; the stream is read to its end).
   *
   * @throws IllegalArgumentException for an entry that would escape the root, or a compression not supported
   */
  Result apply(InputStream blob, String what) throws IOException {
    BufferedInputStream in = new BufferedInputStream(blob, 64 * 1024);
    InputStream tarBytes = decompressed(in, what);
    MessageDigest sha = sha256();
    DigestInputStream digesting = new DigestInputStream(tarBytes, sha);
    int skipped = 0;
    Set<Path> writtenHere = new HashSet<>();
    List<TarArchiveEntry> dirs = new ArrayList<>();
    List<Path> dirPaths = new ArrayList<>();
    TarArchiveInputStream tar = new TarArchiveInputStream(digesting);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      String name = checkedName(entry.getName(), what);
      if (name.isEmpty()) {
        continue; // "./" itself: the root's own attributes are the runtime's business
      }
      int slash = name.lastIndexOf('/');
      String base = name.substring(slash + 1);
      Path parent = resolveInRoot(slash < 0 ? "" : name.substring(0, slash));
      if (base.equals(OPAQUE)) {
        emptyDirectory(parent, writtenHere);
        continue;
      }
      if (base.startsWith(WHITEOUT_PREFIX)) {
        deleteTree(parent.resolve(base.substring(WHITEOUT_PREFIX.length())));
        continue;
      }
      if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        skipped++;
        continue;
      }
      Files.createDirectories(parent);
      Path target = parent.resolve(base);
      for (Path p = target; !p.equals(root) && writtenHere.add(p); p = p.getParent()) {
        // an opaque marker later in this layer keeps this entry and the directories above it
      }
      if (entry.isDirectory()) {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          deleteTree(target);
          Files.createDirectory(target);
        }
        dirs.add(entry);
        dirPaths.add(target);
      } else if (entry.isSymbolicLink()) {
        deleteTree(target);
        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        owner(target, entry);
      } else if (entry.isLink()) {
        String linkName = checkedName(entry.getLinkName(), what);
        int ls = linkName.lastIndexOf('/');
        Path source = resolveInRoot(ls < 0 ? "" : linkName.substring(0, ls)).resolve(linkName.substring(ls + 1));
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalArgumentException(what + ": hard link " + name + " points to " + linkName
              + ", which is not in the layers so far");
        }
        deleteTree(target);
        Files.createLink(target, source);
      } else if (entry.isFile()) {
        deleteTree(target);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
          tar.transferTo(out);
        }
        owner(target, entry);
        mode(target, entry.getMode());
        Files.setLastModifiedTime(target, FileTime.from(entry.getModTime().toInstant()));
      } else {
        skipped++; // sockets, GNU volume headers and the like have no place in a rootfs
      }
    }
    // Directory attributes last: writing into a directory changes its mtime, and a read-only mode would stop
    // the entries below it.
    for (int i = dirs.size() - 1; i >= 0; i--) {
      owner(dirPaths.get(i), dirs.get(i));
      mode(dirPaths.get(i), dirs.get(i).getMode());
      Files.setLastModifiedTime(dirPaths.get(i), FileTime.from(dirs.get(i).getModTime().toInstant()));
    }
    digesting.transferTo(OutputStream.nullOutputStream()); // the tar's end padding is part of the diff id
    in.transferTo(OutputStream.nullOutputStream());
    return new Result("sha256:" + HexFormat.of().formatHex(sha.digest()), skipped);
  }

  /** The stream of the layer's tar: gunzipped when it starts with gzip's magic, as it is when it is a tar. */
  private static InputStream decompressed(BufferedInputStream in, String what) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new GzipCompressorInputStream(in, true);
    }
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
      throw new IllegalArgumentException(what + " is zstd-compressed; only gzip and uncompressed layers are "
          + "supported (re-export the image with gzip layers)");
    }
    return in;
  }

  /**
   * A tar entry's name relative to the root ("./a/b/" is "a/b"), or an error for one that is absolute or
   * climbs with "..".
   */
  static String checkedName(String raw, String what) {
    if (raw.startsWith("/")) {
      throw new IllegalArgumentException(what + ": entry '" + raw + "' is an absolute path; layers must hold "
          + "names relative to the root filesystem");
    }
    List<String> parts = new ArrayList<>();
    for (String part : raw.split("/")) {
      if (part.equals("..")) {
        throw new IllegalArgumentException(what + ": entry '" + raw + "' climbs out of the root filesystem with "
            + "'..'; refusing the archive");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return String.join("/", parts);
  }

  /**
   * The real directory a relative path names inside the root, following symbolic links as a process chrooted
   * there would: an absolute link target starts again at the root, ".." stops at the root.
   */
  Path resolveInRoot(String relative) throws IOException {
    Deque<String> todo = new ArrayDeque<>();
    for (String part : relative.split("/")) {
      todo.addLast(part);
    }
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      Path here = root.resolve(String.join("/", done)).resolve(part);
      if (Files.isSymbolicLink(here)) {
        if (++links > MAX_LINKS) {
          throw new IllegalArgumentException("too many levels of symbolic links resolving '" + relative + "'");
        }
        String target = Files.readSymbolicLink(here).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        String[] targetParts = target.split("/");
        for (int i = targetParts.length - 1; i >= 0; i--) {
          todo.addFirst(targetParts[i]);
        }
        continue;
      }
      done.add(part);
    }
    return done.isEmpty() ? root : root.resolve(String.join("/", done));
  }

  /** Removes what lower layers put in {@code dir}, keeping what this layer wrote there already. */
  private static void emptyDirectory(Path dir, Set<Path> writtenHere) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
      list.forEach(children::add);
    }
    for (Path child : children) {
      if (!writtenHere.contains(child)) {
        deleteTree(child);
      }
    }
  }

  /** Deletes a file, a link (not what it points to) or a directory with everything in it; absent is fine. */
  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(path);
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        // A read-only directory left by a layer could not be emptied by a non-root user otherwise.
        if (!Files.isWritable(dir)) {
          Set<PosixFilePermission> perms = new HashSet<>(Files.getPosixFilePermissions(dir));
          perms.add(PosixFilePermission.OWNER_WRITE);
          perms.add(PosixFilePermission.OWNER_EXECUTE);
          Files.setPosixFilePermissions(dir, perms);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void owner(Path path, TarArchiveEntry entry) throws IOException {
    if (applyOwners) {
      Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** All twelve mode bits (setuid, setgid and sticky too, which the POSIX view cannot express). */
  private static void mode(Path path, int mode) throws IOException {
    Files.setAttribute(path, "unix:mode", mode & 07777);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
