package io.tugboat.runtime.process;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.LogOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads a container's CRI log (with its rotated files) as kubectl logs asks: the selected lines of what is
 * there, then, when following, what is written after until the container has exited and its output is drained.
 * Following polls the file every {@code poll} on a shared scheduler, holding no thread while it waits; a rotation
 * is followed through the open handle of the old file and the rotated files written since.
 */
final class LogReader {
  private final ScheduledExecutorService scheduler;
  private final Duration poll;
  private final Clock clock;

  LogReader(ScheduledExecutorService scheduler, Duration poll, Clock clock) {
    this.scheduler = scheduler;
    this.poll = poll;
    this.clock = clock;
  }

  /** The log as kubectl logs prints it, {@code exited} completing when the container has exited. */
  Source<ByteString, NotUsed> logs(Path file, int maxFiles, LogOptions options, CompletionStage<?> exited) {
    Source<ByteString, NotUsed> bytes = lines(file, maxFiles, options, exited)
        .map(l -> ByteString.fromString(CriLog.render(l, options.timestamps()), StandardCharsets.UTF_8));
    return options.limitBytes().map(limit -> limit(bytes, limit)).orElse(bytes);
  }

  /** The selected lines of the log, then (when following) every line written after them. */
  Source<CriLog.Line, NotUsed> lines(Path file, int maxFiles, LogOptions options, CompletionStage<?> exited) {
    // The follower opens the current file before anything is read, so no rotation can slip in between.
    Follower follower = options.follow() ? new Follower(file, maxFiles, exited) : null;
    List<CriLog.Line> all = new ArrayList<>();
    for (Path f : CriLogWriter.files(file, maxFiles)) {
      if (!f.equals(file)) {
        all.addAll(CriLog.parseAll(HostFiles.readOrEmpty(f)));
      }
    }
    try {
      if (follower != null) {
        all.addAll(follower.read());
      } else {
        all.addAll(CriLog.parseAll(HostFiles.readOrEmpty(file)));
      }
    } catch (IOException e) {
      // the current file is not there yet (the container has not written) or went away
    }
    Source<CriLog.Line, NotUsed> initial = Source.from(CriLog.select(all, options, clock.instant()));
    if (follower == null) {
      return initial;
    }
    return initial.concat(Source.<List<CriLog.Line>, Follower>unfoldResourceAsync(
        () -> CompletableFuture.completedFuture(follower),
        this::next,
        f -> {
          f.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        }).mapConcat(l -> l));
  }

  /** One chunk as the limit cuts it: the bytes before it, after it, and what of it is let through. */
  private record Cut(long before, long after, ByteString bytes) {}

  /** Lets through the first {@code limit} bytes (a line may be cut), then ends. */
  static Source<ByteString, NotUsed> limit(Source<ByteString, NotUsed> bytes, long limit) {
    return bytes.scan(new Cut(0, 0, ByteString.emptyByteString()), (acc, chunk) -> {
      long left = limit - acc.after();
      ByteString cut = left <= 0 ? ByteString.emptyByteString() : chunk.take((int) Math.min(left, chunk.size()));
      return new Cut(acc.after(), acc.after() + chunk.size(), cut);
    }).drop(1).takeWhile(c -> c.after() < limit, true).map(Cut::bytes).filter(b -> !b.isEmpty());
  }

  private CompletionStage<Optional<List<CriLog.Line>>> next(Follower f) {
    CompletableFuture<Optional<List<CriLog.Line>>> result = new CompletableFuture<>();
    attempt(f, result);
    return result;
  }

  private void attempt(Follower f, CompletableFuture<Optional<List<CriLog.Line>>> result) {
    try {
      boolean exitedBefore = f.exited.toCompletableFuture().isDone();
      List<CriLog.Line> lines = f.read();
      if (!lines.isEmpty()) {
        result.complete(Optional.of(lines));
      } else if (exitedBefore) {
        result.complete(Optional.empty());
      } else {
        scheduler.schedule(() -> attempt(f, result), poll.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** Reads a log file on from a position; after a rotation, the rest of the old file, newer rotated ones, the new. */
  private static final class Follower {
    private final Path file;
    private final int maxFiles;
    private final CompletionStage<?> exited;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private RandomAccessFile handle;
    private Object fileKey;
    private long position;

    Follower(Path file, int maxFiles, CompletionStage<?> exited) {
      this.file = file;
      this.maxFiles = Math.max(1, maxFiles);
      this.exited = exited;
      tryOpen();
    }

    /** Whole lines written since the last read. */
    List<CriLog.Line> read() throws IOException {
      List<CriLog.Line> lines = new ArrayList<>();
      if (handle == null && !tryOpen()) {
        return lines;
      }
      drain(lines);
      Object current = key(file);
      if (current != null && !current.equals(fileKey)) {
        // Rotated: the old file is drained above through its handle; the files rotated after it are read whole.
        int older = maxFiles;
        for (int i = 1; i < maxFiles; i++) {
          if (fileKey.equals(key(Path.of(file + "." + i)))) {
            older = i;
          }
        }
        for (int i = older - 1; i >= 1; i--) {
          lines.addAll(CriLog.parseAll(HostFiles.readOrEmpty(Path.of(file + "." + i))));
        }
        handle.close();
        handle = null;
        pending.reset();
        position = 0;
        if (tryOpen()) {
          drain(lines);
        }
      }
      return lines;
    }

    private boolean tryOpen() {
      try {
        fileKey = key(file);
        if (fileKey == null) {
          return false;
        }
        handle = new RandomAccessFile(file.toFile(), "r");
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    private void drain(List<CriLog.Line> lines) throws IOException {
      long length = handle.length();
      if (length < position) {
        position = 0; // truncated in place
        pending.reset();
      }
      while (position < length) {
        byte[] data = new byte[(int) Math.min(length - position, 1 << 20)];
        handle.seek(position);
        handle.readFully(data);
        position += data.length;
        for (byte b : data) {
          if (b == '\n') {
            CriLog.parse(pending.toString(StandardCharsets.UTF_8)).ifPresent(lines::add);
            pending.reset();
          } else {
            pending.write(b);
          }
        }
      }
    }

    void close() {
      try {
        if (handle != null) {
          handle.close();
        }
      } catch (IOException e) {
        // nothing to release then
      }
    }

    private static Object key(Path p) {
      try {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
      } catch (IOException e) {
        return null;
      }
    }
  }
}
