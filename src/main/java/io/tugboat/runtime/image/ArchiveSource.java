package io.tugboat.runtime.image;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The files of an image archive, by their path inside it: a directory, or a tar (gzip-compressed or not) read in
 * place without unpacking it. Paths come from the archive's own JSON, so they are checked not to leave it.
 */
sealed interface ArchiveSource extends Closeable {

  /** True when the archive holds a file at this path. */
  boolean exists(String path);

  /** The file's bytes; an error naming the archive when it is not there. */
  InputStream open(String path) throws IOException;

  /** The file's bytes as a whole (for the small JSON documents). */
  default byte[] read(String path) throws IOException {
    try (InputStream in = open(path)) {
      return in.readAllBytes();
    }
  }

  /**
   * Opens a directory or a tar; a gzip-compressed tar is first decompressed into {@code scratch} (deleted on
   * close), since reading blobs in the order the JSON names them needs random access.
   */
  static ArchiveSource open(Path archive, Path scratch) throws IOException {
    if (Files.isDirectory(archive)) {
      return new Directory(archive);
    }
    if (!Files.isRegularFile(archive)) {
      throw new IllegalArgumentException(archive + " does not exist (expected an OCI layout directory or a "
          + ".tar/.tar.gz from docker save or an OCI export)");
    }
    Path tar = archive;
    Path temporary = null;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
      in.mark(2);
      if (in.read() == 0x1f && in.read() == 0x8b) {
        in.reset();
        Files.createDirectories(scratch);
        temporary = Files.createTempFile(scratch, "archive-", ".tar");
        try (OutputStream out = Files.newOutputStream(temporary);
            InputStream gunzip = new GzipCompressorInputStream(in, true)) {
          gunzip.transferTo(out);
        }
        tar = temporary;
      }
    }
    try {
      return new Tar(new TarFile(tar), archive, temporary);
    } catch (IOException e) {
      if (temporary != null) {
        Files.deleteIfExists(temporary);
      }
      throw new IllegalArgumentException(archive + " is not a tar archive nor a directory: " + e.getMessage(), e);
    }
  }

  /** A path from an archive's JSON, relative to it, "./" removed; ".." or absolute ones are refused. */
  static String clean(String path, Object archive) {
    return LayerUnpacker.checkedName(path, String.valueOf(archive));
  }

  /** An unpacked layout; links in it may point within it, not out of it. */
  record Directory(Path dir) implements ArchiveSource {
    @Override
    public boolean exists(String path) {
      return Files.isRegularFile(dir.resolve(clean(path, dir)));
    }

    @Override
    public InputStream open(String path) throws IOException {
      Path file = dir.resolve(clean(path, dir));
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(dir + " has no file " + path);
      }
      if (!file.toRealPath().startsWith(dir.toRealPath())) {
        throw new IllegalArgumentException(dir + ": " + path + " links to " + file.toRealPath()
            + ", outside the layout; refusing it");
      }
      return Files.newInputStream(file);
    }

    @Override
    public void close() {}
  }

  /** A tar read in place; symbolic links inside it (docker save links shared layers) are followed within it. */
  final class Tar implements ArchiveSource {
    private final TarFile tar;
    private final Path archive;
    private final Path temporary;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();

    Tar(TarFile tar, Path archive, Path temporary) {
      this.tar = tar;
      this.archive = archive;
      this.temporary = temporary;
      for (TarArchiveEntry e : tar.getEntries()) {
        String name = e.getName();
        while (name.startsWith("./")) {
          name = name.substring(2);
        }
        entries.put(name, e);
      }
    }

    private TarArchiveEntry entry(String path) {
      String name = clean(path, archive);
      for (int hops = 0; hops < 10; hops++) {
        TarArchiveEntry e = entries.get(name);
        if (e == null || !e.isSymbolicLink()) {
          return e;
        }
        String target = e.getLinkName();
        int slash = name.lastIndexOf('/');
        name = linkTarget(slash < 0 ? "" : name.substring(0, slash), target, archive);
      }
      throw new IllegalArgumentException(archive + ": too many symbolic links resolving " + path);
    }

    @Override
    public boolean exists(String path) {
      TarArchiveEntry e = entry(path);
      return e != null && e.isFile();
    }

    @Override
    public InputStream open(String path) throws IOException {
      TarArchiveEntry e = entry(path);
      if (e == null || !e.isFile()) {
        throw new IllegalArgumentException(archive + " has no file " + path);
      }
      return tar.getInputStream(e);
    }

    @Override
    public void close() throws IOException {
      try {
        tar.close();
      } finally {
        if (temporary != null) {
          Files.deleteIfExists(temporary);
        }
      }
    }
  }

  /** Where a link in directory {@code dir} of an archive points: ".." may climb within the archive, not out. */
  static String linkTarget(String dir, String target, Object archive) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    String joined = target.startsWith("/") ? target : dir + "/" + target;
    for (String part : joined.split("/")) {
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new IllegalArgumentException(archive + ": link to '" + target + "' leaves the archive");
        }
        parts.removeLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }
}
