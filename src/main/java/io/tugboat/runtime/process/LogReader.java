package io.tugboat.runtime.process;

import akka.Done;
import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.LogOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Following polls the file every {@code poll} on a shared scheduler, holding no thread while it waits.
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
    StringBuilder content = new StringBuilder();
    long position = 0;
    for (Path f : CriLogWriter.files(file, maxFiles)) {
      try {
        byte[] data = Files.readAllBytes(f);
        int end = data.length;
        if (f.equals(file)) {
          // Only whole lines: a line being written is read by the follower once it is complete.
          while (end > 0 && data[end - 1] != '\n') {
            end--;
          }
          position = end;
        }
        content.append(new String(data, 0, end, StandardCharsets.UTF_8));
      } catch (IOException e) {
        // rotated away between listing and reading: its lines are gone
      }
    }
    List<CriLog.Line> selected = CriLog.select(CriLog.parseAll(content.toString()), options, clock.instant());
    Source<CriLog.Line, NotUsed> initial = Source.from(selected);
    if (!options.follow()) {
      return initial;
    }
    long start = position;
    return initial.concat(Source.<List<CriLog.Line>, Follower>unfoldResourceAsync(
        () -> CompletableFuture.completedFuture(new Follower(file, start, exited)),
        this::next,
        f -> {
          f.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        }).mapConcat(l -> l));
  }

  /** Lets through the first {@code limit} bytes (a line may be cut), then ends. */
  static Source<ByteString, NotUsed> limit(Source<ByteString, NotUsed> bytes, long limit) {
    return bytes.scan(Pair.create(0L, ByteString.emptyByteString()), (acc, chunk) -> {
      long left = limit - acc.first();
      ByteString cut = left <= 0 ? ByteString.emptyByteString() : chunk.take((int) Math.min(left, chunk.size()));
      return Pair.create(acc.first() + chunk.size(), cut);
    }).drop(1).takeWhile(p -> p.first() - p.second().size() < limit).map(Pair::second).filter(b -> !b.isEmpty());
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

  /** Reads a log file from a position on, across a rotation (the old file is drained through its open handle). */
  private static final class Follower {
    private final Path file;
    private final CompletionStage<?> exited;
    private RandomAccessFile handle;
    private Object fileKey;
    private long position;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    Follower(Path file, long position, CompletionStage<?> exited) {
      this.file = file;
      this.position = position;
      this.exited = exited;
    }

    List<CriLog.Line> read() throws IOException {
      List<CriLog.Line> lines = new ArrayList<>();
      if (handle == null) {
        if (!Files.exists(file)) {
          return lines;
        }
        handle = new RandomAccessFile(file.toFile(), "r");
        fileKey = key(file);
      }
      drain(lines);
      Object current = Files.exists(file) ? key(file) : fileKey;
      if (current != null && !current.equals(fileKey)) {
        // Rotated: what the old file got after our last read is drained above; the new one starts at 0.
        handle.close();
        handle = new RandomAccessFile(file.toFile(), "r");
        fileKey = current;
        position = 0;
        pending.reset();
        drain(lines);
      }
      return lines;
    }

    private void drain(List<CriLog.Line> lines) throws IOException {
      long length = handle.length();
      if (length < position) {
        position = 0; // truncated in place
      }
      if (length == position) {
        return;
      }
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

    void close() {
      try {
        if (handle != null) {
          handle.close();
        }
      } catch (IOException e) {
        // nothing to release then
      }
    }

    private static Object key(Path p) throws IOException {
      return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }
  }
}
