package io.tugboat.runtime;

import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.javadsl.AsPublisher;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;

/**
 * The streams of {@link FakeRuntime}'s containers, where nothing runs: each container has an in-memory log that
 * tests append to, exec runs a few built-in commands ({@code echo ARGS}, {@code cat}, {@code sh -c 'exit N'},
 * {@code env}, {@code ls}, {@code true}, {@code false}, {@code stty size}) without a process, attach echoes stdin
 * into the log and streams the log, port-forward echoes. {@code sh -c 'echo TEXT > /proc/1/fd/1'} appends TEXT to
 * the container's log, as writing to the main process's stdout does in a real container. A log ends (for
 * followers) when its container exits.
 */
final class FakeStreams {

  private static final Pattern EXIT = Pattern.compile("exit\\s+(\\d+)\\s*;?");
  private static final Pattern ECHO_TO_LOG = Pattern.compile("echo\\s+(.*?)\\s*>>?\\s*/proc/1/fd/[12]");
  private static final String LISTING = "bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\nvar\n";

  private final Clock clock;
  private final Map<String, Log> logs = new ConcurrentHashMap<>();
  private final Map<String, List<TerminalSize>> resizes = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();

  FakeStreams(Clock clock) {
    this.clock = clock;
  }

  /** Appends one line (without its newline) to a container's log, stamped with the clock's time. */
  void append(String containerId, String line) {
    log(containerId).append(clock.instant(), line);
  }

  /** Ends a container's log (followers get what is left, then the end) and its attached sessions. */
  void exited(String containerId, int exitCode) {
    log(containerId).close();
    exit(containerId).complete(exitCode);
  }

  /** Forgets a removed container's log and terminal sizes. */
  void removed(String containerId) {
    logs.remove(containerId);
    resizes.remove(containerId);
    exits.remove(containerId);
  }

  /** The terminal sizes clients have sent to sessions of this container, oldest first. */
  List<TerminalSize> resizes(String containerId) {
    return List.copyOf(resizes.getOrDefault(containerId, List.of()));
  }

  /** The log of a container; {@code running} false ends it first (a container that exited before anyone read). */
  Source<ByteString, NotUsed> logs(String containerId, LogOptions options, boolean running) {
    Log log = log(containerId);
    if (!running) {
      log.close();
    }
    Instant since = options.since(clock.instant()).orElse(Instant.MIN);
    int[] range = log.range(since, options.tailLines().orElse(Long.MAX_VALUE));
    int end = options.follow() ? -1 : range[1];
    Source<ByteString, NotUsed> lines = Source.unfoldAsync(range[0], i -> log.next(i, end)
        .thenApply(line -> line.map(l -> Pair.create(i + 1, render(l, options.timestamps())))));
    return options.limitBytes().map(max -> limit(lines, max)).orElse(lines);
  }

  /** Runs a built-in command "in" the container; unknown commands exit 127 as a shell says. */
  ExecSession exec(String containerId, String hostname, List<String> command, boolean tty) {
    if (command.isEmpty()) {
      throw new ContainerRuntime.RuntimeError("exec needs a command");
    }
    String program = command.get(0).replaceFirst("^/(usr/)?bin/", "");
    List<String> args = command.subList(1, command.size());
    return switch (program) {
      case "echo" -> finished(containerId, String.join(" ", args) + "\n", "", 0);
      case "cat" -> cat(containerId);
      case "env" -> finished(containerId, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
          + "HOSTNAME=" + hostname + "\n" + (tty ? "TERM=xterm\n" : ""), "", 0);
      case "ls" -> finished(containerId, LISTING, "", 0);
      case "true" -> finished(containerId, "", "", 0);
      case "false" -> finished(containerId, "", "", 1);
      case "stty" -> stty(containerId, args);
      case "sh", "bash" -> {
        if (args.size() == 2 && args.get(0).equals("-c")) {
          Matcher exit = EXIT.matcher(args.get(1).trim());
          if (exit.matches()) {
            yield finished(containerId, "", "", Integer.parseInt(exit.group(1)) & 0xff);
          }
          Matcher toLog = ECHO_TO_LOG.matcher(args.get(1).trim());
          if (toLog.matches()) {
            append(containerId, toLog.group(1).replaceAll("^['\"]|['\"]$", ""));
            yield finished(containerId, "", "", 0);
          }
          yield exec(containerId, hostname, List.of(args.get(1).trim().split("\\s+")), tty);
        }
        yield finished(containerId, "", program + ": only -c 'exit N' or -c 'COMMAND ARGS' is supported here\n", 2);
      }
      default -> finished(containerId, "", "exec: \"" + command.get(0)
          + "\": executable file not found in $PATH\n", 127);
    };
  }

  /**
   * The container's main process: its output is the log from now on, stdin (when asked for) is written to the
   * log line by line; the session ends when the client closes stdin (exit code 0) or the container exits (its
   * exit code).
   */
  ExecSession attach(String containerId, boolean stdin) {
    Log log = log(containerId);
    // Completed with the log's length once the client closed stdin: the output ends after what it typed.
    CompletableFuture<Integer> detachedAt = new CompletableFuture<>();
    Source<ByteString, NotUsed> stdout = Source.unfoldAsync(log.size(), i -> {
      CompletableFuture<Optional<Line>> next = log.next(i, -1).toCompletableFuture();
      return next.applyToEither(detachedAt.thenCompose(end -> log.next(i, end)), line -> line)
          .thenApply(line -> line.map(l -> Pair.create(i + 1, render(l, false))));
    });
    Sink<ByteString, ?> in = !stdin ? Sink.ignore() : Flow.of(ByteString.class)
        .map(ByteString::utf8String)
        .to(Sink.<String>foreach(text -> {
          for (String line : text.split("\n")) {
            log.append(clock.instant(), line);
          }
        }).mapMaterializedValue(done -> done.whenComplete((d, e) -> detachedAt.complete(log.size()))));
    CompletableFuture<Integer> exited = exit(containerId);
    return new ExecSession(stdout, Source.empty(), in, recordResizes(containerId),
        stdin ? detachedAt.thenApply(end -> 0).applyToEither(exited, code -> code) : exited);
  }

  /** Port-forward to a fake sandbox: whatever is sent comes back. */
  Flow<ByteString, ByteString, NotUsed> echo() {
    return Flow.create();
  }

  private ExecSession finished(String containerId, String out, String err, int code) {
    return new ExecSession(text(out), text(err), Sink.ignore(), recordResizes(containerId),
        CompletableFuture.completedFuture(code));
  }

  /** {@code stty size}: the last terminal size a client sent to this container, as "ROWS COLUMNS". */
  private ExecSession stty(String containerId, List<String> args) {
    List<TerminalSize> sizes = resizes(containerId);
    if (!args.equals(List.of("size")) || sizes.isEmpty()) {
      return finished(containerId, "", "stty: standard input: Not a tty\n", 1);
    }
    TerminalSize last = sizes.get(sizes.size() - 1);
    return finished(containerId, last.height() + " " + last.width() + "\n", "", 0);
  }

  /** {@code cat}: stdin to stdout until stdin ends, then exit 0; stdout waits until the transport runs stdin. */
  private ExecSession cat(String containerId) {
    CompletableFuture<Publisher<ByteString>> pipe = new CompletableFuture<>();
    Sink<ByteString, NotUsed> in = Sink.<ByteString>asPublisher(AsPublisher.WITHOUT_FANOUT)
        .mapMaterializedValue(publisher -> {
          pipe.complete(publisher);
          return NotUsed.getInstance();
        });
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Source<ByteString, NotUsed> out = Source.completionStageSource(pipe.thenApply(Source::fromPublisher))
        .watchTermination((mat, done) -> {
          done.whenComplete((d, e) -> exit.complete(e == null ? 0 : 1));
          return NotUsed.getInstance();
        });
    return new ExecSession(out, Source.empty(), in, recordResizes(containerId), exit);
  }

  private Sink<TerminalSize, ?> recordResizes(String containerId) {
    return Sink.foreach(size -> resizes.computeIfAbsent(containerId, k -> new CopyOnWriteArrayList<>()).add(size));
  }

  private CompletableFuture<Integer> exit(String containerId) {
    return exits.computeIfAbsent(containerId, k -> new CompletableFuture<>());
  }

  private Log log(String containerId) {
    return logs.computeIfAbsent(containerId, k -> new Log());
  }

  private static Source<ByteString, NotUsed> text(String s) {
    return s.isEmpty() ? Source.empty() : Source.single(ByteString.fromString(s, StandardCharsets.UTF_8));
  }

  private static ByteString render(Line line, boolean timestamps) {
    return ByteString.fromString((timestamps ? line.time() + " " : "") + line.text() + "\n", StandardCharsets.UTF_8);
  }

  /** The first {@code max} bytes of a stream, ending it (a followed log too) once they are sent. */
  static Source<ByteString, NotUsed> limit(Source<ByteString, NotUsed> bytes, long max) {
    return bytes.statefulMapConcat(() -> {
      long[] left = {max};
      return chunk -> {
        if (left[0] <= 0) {
          return List.of(Optional.<ByteString>empty());
        }
        ByteString part = chunk.take((int) Math.min(left[0], chunk.size()));
        left[0] -= part.size();
        return left[0] > 0 ? List.of(Optional.of(part)) : List.of(Optional.of(part), Optional.<ByteString>empty());
      };
    }).takeWhile(Optional::isPresent).map(Optional::get);
  }

  private record Line(Instant time, String text) {}

  /** An append-only log whose readers wait for the next line (or its end) without polling. */
  private static final class Log {
    private final List<Line> lines = new ArrayList<>();
    private CompletableFuture<Void> grew = new CompletableFuture<>();
    private boolean closed;

    void append(Instant time, String text) {
      CompletableFuture<Void> waiting;
      synchronized (this) {
        lines.add(new Line(time, text));
        waiting = grew;
        grew = new CompletableFuture<>();
      }
      waiting.complete(null);
    }

    void close() {
      CompletableFuture<Void> waiting;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        waiting = grew;
      }
      waiting.complete(null);
    }

    synchronized int size() {
      return lines.size();
    }

    /** [start, end) of the lines at or after {@code since}, at most the last {@code tail} of them. */
    synchronized int[] range(Instant since, long tail) {
      int start = 0;
      while (start < lines.size() && lines.get(start).time().isBefore(since)) {
        start++;
      }
      int end = lines.size();
      return new int[] {(int) Math.max(start, end - Math.min(tail, end)), end};
    }

    /** Line {@code i}, waiting for it when following ({@code end} < 0); empty at {@code end} or a closed end. */
    CompletionStage<Optional<Line>> next(int i, int end) {
      CompletableFuture<Void> wait;
      synchronized (this) {
        if (end >= 0 && i >= end) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        if (i < lines.size()) {
          return CompletableFuture.completedFuture(Optional.of(lines.get(i)));
        }
        if (closed) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        wait = grew;
      }
      return wait.thenCompose(v -> next(i, end));
    }
  }
}
