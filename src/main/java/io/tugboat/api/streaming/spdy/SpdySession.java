package io.tugboat.api.streaming.spdy;

import akka.Done;
import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.util.ByteString;
import io.tugboat.api.streaming.ChannelFrames;
import io.tugboat.api.streaming.ContainerStreams;
import io.tugboat.api.streaming.ExecProtocol;
import io.tugboat.api.streaming.ExecStatus;
import io.tugboat.api.streaming.PodStreamRoutes;
import io.tugboat.runtime.ExecSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded SPDY/3.1 connection serving an exec, attach or port-forward, as the kubelet serves them: the client
 * opens one stream per purpose (header {@code streamtype}: error, stdin, stdout, stderr, resize; or data and error
 * with {@code port} and {@code requestid}), each is accepted with SYN_REPLY, and once an exec's streams are all
 * open the process starts. At the end the error stream gets the status and every output stream FIN; the client
 * then closes the connection. Frames are read on the calling thread; writes come from stream threads, serialized.
 */
final class SpdySession {
  private static final Logger log = LoggerFactory.getLogger(SpdySession.class);
  private static final int INPUT_BUFFER = 16;

  private final InputStream in;
  private final OutputStream out;
  private final Materializer materializer;
  private final ContainerStreams streams;
  private final PodStreamRoutes.ExecTarget exec;
  private final ExecProtocol protocol;
  private final PodStreamRoutes.PortForwardTarget portForward;
  private final SpdyCodec.Writer writer = new SpdyCodec.Writer();
  private final Map<String, Integer> execStreams = new HashMap<>();
  private final Map<Integer, SourceQueueWithComplete<ByteString>> inputs = new ConcurrentHashMap<>();
  private final Map<String, Integer> errorStreams = new ConcurrentHashMap<>();
  private final Map<Integer, Source<ByteString, NotUsed>> sources = new ConcurrentHashMap<>();
  private final CompletableFuture<Done> finished = new CompletableFuture<>();
  private boolean started;

  private SpdySession(InputStream in, OutputStream out, Materializer materializer, ContainerStreams streams,
      PodStreamRoutes.ExecTarget exec, ExecProtocol protocol, PodStreamRoutes.PortForwardTarget portForward) {
    this.in = in;
    this.out = out;
    this.materializer = materializer;
    this.streams = streams;
    this.exec = exec;
    this.protocol = protocol;
    this.portForward = portForward;
  }

  static SpdySession exec(InputStream in, OutputStream out, Materializer materializer, ContainerStreams streams,
      PodStreamRoutes.ExecTarget target, ExecProtocol protocol) {
    return new SpdySession(in, out, materializer, streams, target, protocol, null);
  }

  static SpdySession portForward(InputStream in, OutputStream out, Materializer materializer,
      ContainerStreams streams, PodStreamRoutes.PortForwardTarget target) {
    return new SpdySession(in, out, materializer, streams, null, null, target);
  }

  /** Completes when an exec's status has been sent (port-forwards end only with the connection). */
  CompletionStage<Done> finished() {
    return finished;
  }

  /** Reads frames until the client closes the connection or goes away. */
  void serve() throws IOException {
    SpdyCodec.Reader reader = new SpdyCodec.Reader(in);
    try {
      for (SpdyFrame f = reader.read(); f != null; f = reader.read()) {
        if (f instanceof SpdyFrame.SynStream s) {
          opened(s);
        } else if (f instanceof SpdyFrame.Data d) {
          received(d);
        } else if (f instanceof SpdyFrame.RstStream r) {
          closeInput(r.streamId());
        } else if (f instanceof SpdyFrame.Ping p) {
          send(p);
        } else if (f instanceof SpdyFrame.GoAway) {
          break;
        }
      }
    } finally {
      inputs.keySet().forEach(this::closeInput);
      reader.close();
      writer.close();
    }
  }

  private void opened(SpdyFrame.SynStream s) {
    send(new SpdyFrame.SynReply(s.streamId(), 0, Map.of()));
    String type = s.headers().getOrDefault("streamtype", "");
    if (portForward != null) {
      openedPortStream(s, type);
      return;
    }
    execStreams.put(type, s.streamId());
    if (type.equals("stdin") || type.equals("resize")) {
      input(s.streamId());
    }
    if (!started && execStreams.keySet().containsAll(expected())) {
      started = true;
      start();
    }
  }

  private java.util.Set<String> expected() {
    java.util.Set<String> want = new java.util.HashSet<>();
    want.add("error");
    if (exec.stdin()) {
      want.add("stdin");
    }
    if (exec.stdout()) {
      want.add("stdout");
    }
    if (exec.stderr()) {
      want.add("stderr");
    }
    if (exec.tty() && protocol.resize()) {
      want.add("resize");
    }
    return want;
  }

  private void start() {
    int error = execStreams.get("error");
    CompletionStage<ExecSession> opened;
    try {
      opened = exec.attach() ? streams.attach(exec.pod(), exec.container(), exec.stdin(), exec.tty())
          : streams.exec(exec.pod(), exec.container(), exec.command(), exec.stdin(), exec.tty());
    } catch (RuntimeException e) {
      opened = CompletableFuture.failedFuture(e);
    }
    opened.whenComplete((session, e) -> {
      if (e != null) {
        // Refused after the upgrade (container not running, node away): the Status goes to the error stream.
        end(error, Optional.of(ExecStatus.failed(protocol, e)));
      } else {
        run(session, error);
      }
    });
  }

  private void run(ExecSession session, int error) {
    inputSource("stdin").runWith(session.stdin(), materializer);
    inputSource("resize").map(b -> ChannelFrames.resize(b)).filter(Optional::isPresent).map(Optional::get)
        .runWith(session.resize(), materializer);
    CompletionStage<Done> stdout = output(session.stdout(), execStreams.get("stdout"));
    CompletionStage<Done> stderr = output(session.stderr(), execStreams.get("stderr"));
    stdout.thenCombine(stderr, (a, b) -> a).thenCompose(d -> session.exitCode())
        .whenComplete((code, e) -> end(error, e != null ? Optional.of(ExecStatus.failed(protocol, e))
            : ExecStatus.exited(protocol, exec.command(), code)));
  }

  private void end(int errorStream, Optional<ByteString> status) {
    status.ifPresent(s -> send(new SpdyFrame.Data(errorStream, 0, s.toArray())));
    send(new SpdyFrame.Data(errorStream, SpdyFrame.FLAG_FIN, new byte[0]));
    finished.complete(Done.getInstance());
  }

  /** Sends an output to its stream (or drops it when the client did not ask for it), then FIN. */
  private CompletionStage<Done> output(Source<ByteString, ?> source, Integer stream) {
    if (stream == null) {
      return source.runWith(Sink.ignore(), materializer).exceptionally(e -> Done.getInstance());
    }
    return source.filter(b -> !b.isEmpty())
        .runWith(Sink.foreach(b -> send(new SpdyFrame.Data(stream, 0, b.toArray()))), materializer)
        .exceptionally(e -> Done.getInstance())
        .thenApply(d -> {
          send(new SpdyFrame.Data(stream, SpdyFrame.FLAG_FIN, new byte[0]));
          return d;
        });
  }

  /** What the client sends on an exec stream of this type; empty when it opened none. */
  private Source<ByteString, NotUsed> inputSource(String type) {
    Integer id = execStreams.get(type);
    return id == null ? Source.empty() : sources.getOrDefault(id, Source.empty());
  }

  /** Starts buffering what the client sends on a stream; returns it as a source. */
  private Source<ByteString, NotUsed> input(int stream) {
    Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> q =
        Source.<ByteString>queue(INPUT_BUFFER, OverflowStrategy.backpressure()).preMaterialize(materializer);
    inputs.put(stream, q.first());
    sources.put(stream, q.second());
    return q.second();
  }

  private void openedPortStream(SpdyFrame.SynStream s, String type) {
    String request = s.headers().getOrDefault("requestid", "");
    if (type.equals("error")) {
      errorStreams.put(request, s.streamId());
      return;
    }
    if (!type.equals("data")) {
      send(new SpdyFrame.RstStream(s.streamId(), 1)); // PROTOCOL_ERROR
      return;
    }
    int data = s.streamId();
    int port;
    try {
      port = PodStreamRoutes.port(s.headers().getOrDefault("port", ""));
    } catch (RuntimeException e) {
      portEnded(request, data, Optional.of(e.getMessage()));
      return;
    }
    input(data).via(streams.portForward(portForward.pod(), port))
        .filter(b -> !b.isEmpty())
        .runWith(Sink.foreach(b -> send(new SpdyFrame.Data(data, 0, b.toArray()))), materializer)
        .whenComplete((d, e) -> portEnded(request, data, e == null ? Optional.empty()
            : Optional.of("error forwarding port " + port + " to pod " + portForward.pod() + ": " + e.getMessage())));
  }

  private void portEnded(String request, int data, Optional<String> error) {
    Integer err = errorStreams.get(request);
    if (err != null) {
      error.ifPresent(m -> send(new SpdyFrame.Data(err, 0, ByteString.fromString(m).toArray())));
      send(new SpdyFrame.Data(err, SpdyFrame.FLAG_FIN, new byte[0]));
    }
    send(new SpdyFrame.Data(data, SpdyFrame.FLAG_FIN, new byte[0]));
  }

  private void received(SpdyFrame.Data d) {
    SourceQueueWithComplete<ByteString> q = inputs.get(d.streamId());
    if (q != null && d.data().length > 0) {
      // Blocks this reader until the consumer takes it: backpressure all the way to the client's socket.
      q.offer(ByteString.fromArray(d.data())).toCompletableFuture().join();
    }
    if (d.fin()) {
      closeInput(d.streamId());
    }
  }

  private void closeInput(int stream) {
    SourceQueueWithComplete<ByteString> q = inputs.remove(stream);
    if (q != null) {
      q.complete();
    }
  }

  private void send(SpdyFrame frame) {
    byte[] bytes = writer.write(frame);
    synchronized (out) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        log.debug("SPDY client went away while sending {}", frame.getClass().getSimpleName());
      }
    }
  }
}
