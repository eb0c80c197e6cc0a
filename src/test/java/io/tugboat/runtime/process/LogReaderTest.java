package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import io.tugboat.runtime.LogOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {
  private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");
  private static ActorSystem<Void> system;
  private static ScheduledExecutorService timer;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    system = RuntimeTestSupport.actorSystem();
    timer = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    system.terminate();
    timer.shutdownNow();
  }

  @Test
  void readsRotatedFilesOldestFirstAndTails() throws Exception {
    Path file = dir.resolve("0.log");
    try (CriLogWriter w = new CriLogWriter(file, 120, 5, Clock.fixed(T, ZoneOffset.UTC))) {
      for (int i = 0; i < 6; i++) {
        w.write("stdout", false, "line-" + i);
      }
    }
    LogReader reader = new LogReader(timer, Duration.ofMillis(10), Clock.fixed(T, ZoneOffset.UTC));
    CompletionStage<Void> exited = CompletableFuture.completedFuture(null);
    assertEquals("line-0\nline-1\nline-2\nline-3\nline-4\nline-5\n",
        text(reader.logs(file, 5, LogOptions.defaults(), exited)));
    assertEquals("line-4\nline-5\n", text(reader.logs(file, 5, LogOptions.defaults().withTailLines(2), exited)));
    assertEquals("2024-01-01T00:00:00.000000000Z line-5\n",
        text(reader.logs(file, 5, LogOptions.defaults().withTailLines(1).withTimestamps(true), exited)));
    assertEquals("line-0\nli", text(reader.logs(file, 5, LogOptions.defaults().withLimitBytes(9), exited)));
  }

  @Test
  void followingSeesLinesWrittenLaterAcrossARotationAndEndsAfterTheExit() throws Exception {
    Path file = dir.resolve("0.log");
    CriLogWriter w = new CriLogWriter(file, 120, 3, Clock.fixed(T, ZoneOffset.UTC));
    w.write("stdout", false, "before");
    CompletableFuture<Void> exited = new CompletableFuture<>();
    LogReader reader = new LogReader(timer, Duration.ofMillis(10), Clock.fixed(T, ZoneOffset.UTC));
    CompletionStage<String> followed = reader.logs(file, 3, LogOptions.defaults().withFollow(true), exited)
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system).thenApply(ByteString::utf8String);
    // Lines are 42 bytes ("before" 47), so the 120-byte file rotates twice while the reader follows: it reads
    // the rest of the old file through its handle, the file rotated after it, then the new one.
    for (String line : List.of("a", "b", "c", "d", "e")) {
      w.write("stdout", false, line);
    }
    w.close();
    exited.complete(null);
    assertEquals("before\na\nb\nc\nd\ne\n", followed.toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  private static String text(akka.stream.javadsl.Source<ByteString, ?> source) throws Exception {
    return source.runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS).utf8String();
  }
}
