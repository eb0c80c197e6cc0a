package io.tugboat.runtime.process;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import io.tugboat.runtime.ContainerRuntime.RuntimeError;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The process runtime's streams: exec (a process entering the container), attach (its main process), ports. */
final class ProcessStreams {
  private ProcessStreams() {}

  /** Runs {@code argv} (a launcher's exec argv) with the container's environment, wired to a session. */
  static ExecSession exec(List<String> argv, Map<String, String> env, Path dir, boolean stdin, boolean tty) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().putIfAbsent("TERM", "xterm");
    pb.directory(dir.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new RuntimeError("cannot exec " + argv + ": " + e.getMessage());
    }
    Sink<ByteString, ?> in;
    if (stdin) {
      in = StreamConverters.fromOutputStream(p::getOutputStream, true);
    } else {
      closeQuietly(p.getOutputStream());
      in = Sink.ignore();
    }
    Source<ByteString, ?> out = StreamConverters.fromInputStream(p::getInputStream, 8192);
    Source<ByteString, ?> err = StreamConverters.fromInputStream(p::getErrorStream, 8192);
    CompletionStage<Integer> code = p.onExit().thenApply(Process::exitValue);
    return new ExecSession(out, err, in, Sink.ignore(), code);
  }

  /**
   * Attaches to a container: its output as it is written to the log from now on (stdout and stderr apart), its
   * stdin when it has one (closed after this session when stdinOnce), its exit code once it exits.
   */
  static ExecSession attach(LogReader logs, RuntimeContainer c, int maxFiles, boolean stdin) {
    LogOptions follow = LogOptions.defaults().withFollow(true).withTailLines(0);
    Source<ByteString, ?> out = logs.lines(c.logFile, maxFiles, follow, c.exited)
        .filter(l -> l.stream().equals("stdout")).map(l -> text(l));
    Source<ByteString, ?> err = logs.lines(c.logFile, maxFiles, follow, c.exited)
        .filter(l -> l.stream().equals("stderr")).map(l -> text(l));
    OutputStream containerIn = c.stdin;
    Sink<ByteString, ?> in = Sink.ignore();
    if (stdin && containerIn != null) {
      boolean once = c.config.stdinOnce();
      in = Sink.<ByteString>foreach(bytes -> {
        containerIn.write(bytes.toArray());
        containerIn.flush();
      }).mapMaterializedValue(done -> {
        done.whenComplete((d, e) -> {
          if (once) {
            closeQuietly(containerIn);
          }
        });
        return done;
      });
    }
    CompletableFuture<Integer> code = c.exited.thenApply(s -> s.exitCode());
    return new ExecSession(out, err, in, Sink.ignore(), code);
  }

  /** A TCP connection to {@code host:port}, opened when the flow is materialized. */
  static Flow<ByteString, ByteString, ?> connect(String host, int port) {
    CompletableFuture<Socket> socket = new CompletableFuture<>();
    java.util.function.Supplier<Socket> open = () -> {
      synchronized (socket) {
        if (!socket.isDone()) {
          try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5_000);
            socket.complete(s);
          } catch (IOException e) {
            socket.completeExceptionally(new RuntimeError("cannot connect to " + host + ":" + port + ": "
                + e.getMessage()));
          }
        }
        return socket.join();
      }
    };
    Sink<ByteString, CompletionStage<akka.stream.IOResult>> toPod = StreamConverters.fromOutputStream(() ->
        open.get().getOutputStream(), true);
    Source<ByteString, CompletionStage<akka.stream.IOResult>> fromPod = StreamConverters.fromInputStream(() ->
        open.get().getInputStream());
    return Flow.fromSinkAndSourceCoupled(toPod, fromPod).watchTermination((mat, done) -> {
      done.whenComplete((d, e) -> socket.thenAccept(ProcessStreams::closeQuietly));
      return mat;
    });
  }

  /** The previous container of a name in a sandbox: the highest attempt below {@code c}'s. */
  static Optional<RuntimeContainer> previous(RuntimeContainer c, java.util.Collection<RuntimeContainer> all) {
    return all.stream().filter(o -> o.sandbox.id().equals(c.sandbox.id()) && o.config.name().equals(c.config.name())
        && o.config.attempt() < c.config.attempt()).max(java.util.Comparator.comparingInt(o -> o.config.attempt()));
  }

  private static ByteString text(CriLog.Line l) {
    return ByteString.fromString(CriLog.render(l, false), StandardCharsets.UTF_8);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
