package io.tugboat.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a container's stdout and stderr to its CRI log file, rotating it when it would grow past
 * {@code maxBytes}: the current file becomes {@code <file>.1}, older ones move up, and only {@code maxFiles}
 * files are kept in all (as the kubelet's containerLogMaxSize and containerLogMaxFiles).
 */
final class CriLogWriter implements AutoCloseable {
  private final Path file;
  private final long maxBytes;
  private final int maxFiles;
  private final Clock clock;
  private OutputStream out;
  private long size;

  CriLogWriter(Path file, long maxBytes, int maxFiles, Clock clock) throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.maxFiles = Math.max(1, maxFiles);
    this.clock = clock;
    Files.createDirectories(file.getParent());
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.size = Files.size(file);
  }

  /** The files of a log, oldest first: rotated ones, then the current one (those that exist). */
  static List<Path> files(Path file, int maxFiles) {
    List<Path> files = new ArrayList<>();
    for (int i = Math.max(1, maxFiles) - 1; i >= 1; i--) {
      Path rotated = Path.of(file + "." + i);
      if (Files.exists(rotated)) {
        files.add(rotated);
      }
    }
    if (Files.exists(file)) {
      files.add(file);
    }
    return files;
  }

  /** Writes one chunk of output (no newline inside) as a log line. */
  synchronized void write(String stream, boolean partial, String text) throws IOException {
    byte[] line = CriLog.format(clock.instant(), stream, partial, text).getBytes(StandardCharsets.UTF_8);
    if (maxBytes > 0 && size > 0 && size + line.length > maxBytes) {
      rotate();
    }
    out.write(line);
    out.flush();
    size += line.length;
  }

  /**
   * Starts a daemon thread copying {@code in} to the log as {@code stream} until end of file, a line per output
   * line, long lines split into partial pieces.
   */
  Thread pump(InputStream in, String stream, String name) {
    Thread t = new Thread(() -> copy(in, stream), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void copy(InputStream in, String stream) {
    byte[] buf = new byte[8192];
    java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            write(stream, false, pending.toString(StandardCharsets.UTF_8));
            pending.reset();
          } else {
            pending.write(buf[i]);
            if (pending.size() >= CriLog.MAX_LINE_BYTES) {
              write(stream, true, pending.toString(StandardCharsets.UTF_8));
              pending.reset();
            }
          }
        }
      }
    } catch (IOException e) {
      // the process closed its end: what was read so far is written below
    }
    try {
      if (pending.size() > 0) {
        write(stream, false, pending.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the log's disk is gone; nothing else can hold the output
    }
  }

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(Path.of(file + "." + (maxFiles - 1)));
    for (int i = maxFiles - 2; i >= 1; i--) {
      Path from = Path.of(file + "." + i);
      if (Files.exists(from)) {
        Files.move(from, Path.of(file + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (maxFiles > 1) {
      Files.move(file, Path.of(file + ".1"), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.deleteIfExists(file);
    }
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    size = 0;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
