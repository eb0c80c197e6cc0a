package io.tugboat.api.streaming;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.javadsl.AsPublisher;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import io.tugboat.runtime.TerminalSize;
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
 * Containers that exist only in memory, for tests and until a container runtime serves the API: every container
 * of every pod the API asks about is running. Logs come from per-container buffers that tests append to; exec
 * runs a few built-in commands ({@code echo ARGS}, {@code cat}, {@code sh -c 'exit N'}, {@code env}, {@code ls},
 * {@code true}, {@code false}) without ever starting a process; attach echoes stdin into the log and streams
 * the log; port-forward echoes. {@code sh -c 'echo TEXT > /proc/1/fd/1'} appends TEXT to the container's log, as
 * writing to the main process's stdout does in a real container. One instance per actor system ({@link #get}),
 * so tests reach the one the API server serves from.
 */
public final class FakeContainerStreams implements ContainerStreams, Extension {

  private static final Pattern EXIT = Pattern.compile("exit\\s+(\\d+)\\s*;?");
  private static final Pattern ECHO_TO_LOG = Pattern.compile("echo\\s+(.*?)\\s*>>?\\s*/proc/1/fd/[12]");
  private static final ExtensionId<FakeContainerStreams> ID = new ExtensionId<>() {
    @Override
    public FakeContainerStreams createExtension(ActorSystem<?> system) {
      return new FakeContainerStreams(Materializer.matFromSystem(system), Clock.systemUTC());
    }
  };
  private static final String LISTING = "bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\nvar\n";

  private final Materializer materializer;
  private final Clock clock;
  private final Map<String, Log> current = new ConcurrentHashMap<>();
  private final Map<String, Log> previous = new ConcurrentHashMap<>();
  private final List<TerminalSize> resizes = new CopyOnWriteArrayList<>();

  public FakeContainerStreams(Materializer materializer, Clock clock) {
    this.materializer = materializer;
    this.clock = clock;
  }

  /** The actor system's instance, on the system clock. */
  public static FakeContainerStreams get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Appends one line (without its newline) to a container's log, stamped with the clock's time. */
  public void appendLog(String namespace, String pod, String container, String line) {
    log(current, namespace, pod, container).append(clock.instant(), line);
  }

  /** Appends a line to the log of the container's previous instance (what {@code previous=true} reads). */
  public void appendPreviousLog(String namespace, String pod, String container, String line) {
    log(previous, namespace, pod, container).append(clock.instant(), line);
  }

  /** The terminal sizes clients have sent, oldest first. */
  public List<TerminalSize> resizes() {
    return List.copyOf(resizes);
  }

  @Override
  public Source<ByteString, ?> logs(PodRef pod, String container, LogOptions options) {
    Log log = log(options.previous() ? previous : current, pod.namespace(), pod.name(), container);
    if (options.previous() && log.size() == 0) {
      throw new ApiException(ApiError.badRequest("previous terminated container \"" + container + "\" in pod \""
          + pod.name() + "\" not found"));
    }
    Optional<Instant> since = options.since(clock.instant());
    int[] range = log.range(since.orElse(Instant.MIN), options.tailLines().orElse(Long.MAX_VALUE));
    int end = options.follow() && !options.previous() ? -1 : range[1];
    Source<ByteString, NotUsed> lines = Source.unfoldAsync(range[0], i -> log.next(i, end)
        .thenApply(line -> line.map(l -> Pair.create(i + 1, render(l, options.timestamps())))));
    return options.limitBytes().map(max -> limit(lines, max)).orElse(lines);
  }

  @Override
  public ExecSession exec(PodRef pod, String container, List<String> command, boolean stdin, boolean tty) {
    if (command.isEmpty()) {
      throw new ApiException(ApiError.badRequest("you must specify at least one command for the container"));
    }
    String program = command.get(0).replaceFirst("^/(usr/)?bin/", "");
    List<String> args = command.subList(1, command.size());
    return switch (program) {
      case "echo" -> finished(String.join(" ", args) + "\n", "", 0);
      case "cat" -> cat();
      case "env" -> finished("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME="
          + pod.name() + "\n" + (tty ? "TERM=xterm\n" : ""), "", 0);
      case "ls" -> finished(LISTING, "", 0);
      case "true" -> finished("", "", 0);
      case "false" -> finished("", "", 1);
      case "sh", "bash" -> {
        if (args.size() == 2 && args.get(0).equals("-c")) {
          Matcher exit = EXIT.matcher(args.get(1).trim());
          if (exit.matches()) {
            yield finished("", "", Integer.parseInt(exit.group(1)) & 0xff);
          }
          Matcher toLog = ECHO_TO_LOG.matcher(args.get(1).trim());
          if (toLog.matches()) {
            appendLog(pod.namespace(), pod.name(), container, toLog.group(1).replaceAll("^['\"]|['\"]$", ""));
            yield finished("", "", 0);
          }
          yield exec(pod, container, List.of(args.get(1).trim().split("\\s+")), stdin, tty);
        }
        yield finished("", program + ": only -c 'exit N' or -c 'COMMAND ARGS' is supported here\n", 2);
      }
      default -> finished("", "exec: \"" + command.get(0) + "\": executable file not found in $PATH\n", 127);
    };
  }

  @Override
  public ExecSession attach(PodRef pod, String container, boolean stdin, boolean tty) {
    Log log = log(current, pod.namespace(), pod.name(), container);
    CompletableFuture<Integer> detached = new CompletableFuture<>();
    Source<Optional<ByteString>, NotUsed> follow = Source.unfoldAsync(log.size(), i -> log.next(i, -1)
        .thenApply(line -> line.map(l -> Pair.create(i + 1, Optional.of(render(l, false))))));
    // The process keeps running: its output ends only when the client closes stdin (kubectl attach -i).
    Source<ByteString, NotUsed> stdout = follow
        .merge(Source.completionStage(detached).map(code -> Optional.<ByteString>empty()))
        .takeWhile(Optional::isPresent).map(Optional::get);
    Sink<ByteString, ?> in = !stdin ? Sink.ignore() : Flow.of(ByteString.class)
        .map(bytes -> bytes.utf8String())
        .to(Sink.<String>foreach(text -> {
          for (String line : text.split("\n")) {
            log.append(clock.instant(), line);
          }
        }).mapMaterializedValue(done -> done.whenComplete((d, e) -> detached.complete(0))));
    return new ExecSession(stdout, Source.empty(), in, recordResizes(), stdin ? detached : new CompletableFuture<>());
  }

  @Override
  public Flow<ByteString, ByteString, ?> portForward(PodRef pod, int port) {
    return Flow.create();
  }

  private ExecSession finished(String out, String err, int code) {
    return new ExecSession(text(out), text(err), Sink.ignore(), recordResizes(), CompletableFuture.completedFuture(code));
  }

  /** {@code cat}: stdin to stdout until stdin ends, then exit 0. */
  private ExecSession cat() {
    Pair<Publisher<ByteString>, Sink<ByteString, NotUsed>> pipe =
        Sink.<ByteString>asPublisher(AsPublisher.WITHOUT_FANOUT).preMaterialize(materializer);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Source<ByteString, NotUsed> out = Source.fromPublisher(pipe.first()).watchTermination((mat, done) -> {
      done.whenComplete((d, e) -> exit.complete(e == null ? 0 : 1));
      return mat;
    });
    return new ExecSession(out, Source.empty(), pipe.second(), recordResizes(), exit);
  }

  private Sink<TerminalSize, ?> recordResizes() {
    return Sink.foreach(resizes::add);
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

  private static Log log(Map<String, Log> logs, String namespace, String pod, String container) {
    return logs.computeIfAbsent(namespace + "/" + pod + "/" + container, k -> new Log());
  }

  private record Line(Instant time, String text) {}

  /** An append-only log whose readers wait for the next line without polling. */
  private static final class Log {
    private final List<Line> lines = new ArrayList<>();
    private CompletableFuture<Void> grew = new CompletableFuture<>();

    void append(Instant time, String text) {
      CompletableFuture<Void> waiting;
      synchronized (this) {
        lines.add(new Line(time, text));
        waiting = grew;
        grew = new CompletableFuture<>();
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

    /** Line {@code i}, waiting for it when following ({@code end} < 0); empty at {@code end}. */
    CompletionStage<Optional<Line>> next(int i, int end) {
      CompletableFuture<Void> wait;
      synchronized (this) {
        if (end >= 0 && i >= end) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        if (i < lines.size()) {
          return CompletableFuture.completedFuture(Optional.of(lines.get(i)));
        }
        wait = grew;
      }
      return wait.thenCompose(v -> next(i, end));
    }
  }
}
