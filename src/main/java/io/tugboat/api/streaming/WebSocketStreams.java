package io.tugboat.api.streaming;

import akka.Done;
import akka.NotUsed;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.ws.BinaryMessage;
import akka.http.javadsl.model.ws.Message;
import akka.http.javadsl.model.ws.WebSocketUpgrade;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.util.ByteString;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.runtime.ExecSession;
import io.tugboat.api.streaming.spdy.SpdyTunnel;
import io.tugboat.runtime.TerminalSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;

/**
 * Exec, attach and port-forward over WebSocket with Kubernetes' channel framing ({@link ChannelFrames}), as
 * kubectl 1.30+ and client libraries speak it. Exec ends with the status on channel 3, then a normal close.
 */
final class WebSocketStreams {
  private static final int STRICT_TIMEOUT_MILLIS = 10_000;
  private static final List<String> PORT_FORWARD_PROTOCOLS = List.of("v4.channel.k8s.io", "portforward.k8s.io");

  private final ContainerStreams streams;
  private final Materializer materializer;

  WebSocketStreams(ContainerStreams streams, Materializer materializer) {
    this.streams = streams;
    this.materializer = materializer;
  }

  /** Upgrades once the session runs: a refusal (container not running, node away) is the HTTP answer instead. */
  CompletionStage<HttpResponse> exec(WebSocketUpgrade upgrade, PodStreamRoutes.ExecTarget t) {
    List<String> offered = offered(upgrade);
    ExecProtocol protocol = offered.isEmpty() ? ExecProtocol.V1 : ExecProtocol.negotiate(offered, false)
        .orElseThrow(() -> new ApiException(ApiError.badRequest("none of the requested protocols " + offered
            + " is supported; use one of v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, "
            + "v2.channel.k8s.io, channel.k8s.io")));
    CompletionStage<ExecSession> session = t.attach() ? streams.attach(t.pod(), t.container(), t.stdin(), t.tty())
        : streams.exec(t.pod(), t.container(), t.command(), t.stdin(), t.tty());
    return session.thenApply(s -> {
      Flow<Message, Message, NotUsed> flow = execFlow(s, t, protocol, materializer);
      return offered.isEmpty() ? upgrade.handleMessagesWith(flow) : upgrade.handleMessagesWith(flow,
          protocol.header());
    });
  }

  /** The WebSocket side of a session: channel messages in, outputs and then the status out. */
  static Flow<Message, Message, NotUsed> execFlow(ExecSession session, PodStreamRoutes.ExecTarget t,
      ExecProtocol protocol, Materializer materializer) {
    Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> stdin =
        Source.<ByteString>queue(16, OverflowStrategy.backpressure()).preMaterialize(materializer);
    Pair<SourceQueueWithComplete<TerminalSize>, Source<TerminalSize, NotUsed>> resize =
        Source.<TerminalSize>queue(16, OverflowStrategy.backpressure()).preMaterialize(materializer);
    (t.stdin() ? stdin.second() : Source.<ByteString>empty()).runWith(session.stdin(), materializer);
    resize.second().runWith(session.resize(), materializer);
    Inputs inputs = new Inputs(t.stdin() ? stdin.first() : null, resize.first());
    if (!t.stdin()) {
      stdin.first().complete();
    }

    Sink<Message, CompletionStage<Done>> in = Flow.of(Message.class)
        .mapAsync(1, m -> bytes(m, materializer))
        .mapAsync(1, bytes -> inputs.deliver(bytes, protocol))
        .toMat(Sink.ignore(), Keep.right())
        .mapMaterializedValue(done -> {
          done.whenComplete((d, e) -> inputs.closeAll());
          return done;
        });

    Source<ByteString, NotUsed> stdout = session.stdout().mapMaterializedValue(m -> NotUsed.getInstance())
        .filter(b -> t.stdout() && !b.isEmpty()).map(b -> ChannelFrames.encode(ChannelFrames.STDOUT, b));
    Source<ByteString, NotUsed> stderr = session.stderr().mapMaterializedValue(m -> NotUsed.getInstance())
        .filter(b -> t.stderr() && !b.isEmpty()).map(b -> ChannelFrames.encode(ChannelFrames.STDERR, b));
    Source<ByteString, NotUsed> status = Source.completionStage(session.exitCode())
        .map(code -> ExecStatus.exited(protocol, t.command(), code))
        .recover(Exception.class, () -> Optional.empty())
        .mapConcat(s -> s.map(b -> List.of(ChannelFrames.encode(ChannelFrames.ERROR, b))).orElse(List.of()));
    Source<Message, NotUsed> out = stdout.merge(stderr).concat(status)
        .recover(Exception.class, () -> ByteString.emptyByteString())
        .filter(b -> !b.isEmpty())
        .map(b -> (Message) BinaryMessage.create(b));
    // An attached client's close ends the session; an exec's process is left to finish its output.
    return t.attach() ? Flow.fromSinkAndSourceCoupled(in, out) : Flow.fromSinkAndSource(in, out);
  }

  /**
   * Port-forward over WebSocket: SPDY tunnelled in it when the client offered {@link SpdyTunnel#PROTOCOL}
   * ({@code tunnel}, read from the raw header: Akka HTTP does not parse a protocol name with '/' and '+' into
   * the upgrade's requested protocols), else Kubernetes' channel framing with the ports from the query.
   */
  HttpResponse portForward(WebSocketUpgrade upgrade, PodStreamRoutes.PortForwardTarget t, boolean tunnel) {
    if (tunnel) {
      // kubectl 1.31+: SPDY inside the WebSocket, ports named per stream (none in the query).
      Flow<Message, Message, NotUsed> flow = SpdyTunnel.portForward(streams, t, materializer);
      return offered(upgrade).contains(SpdyTunnel.PROTOCOL)
          ? upgrade.handleMessagesWith(flow, SpdyTunnel.PROTOCOL)
          : upgrade.handleMessagesWith(flow).addHeader(RawHeader.create("Sec-WebSocket-Protocol",
              SpdyTunnel.PROTOCOL));
    }
    if (t.ports().isEmpty()) {
      throw new ApiException(ApiError.badRequest("query parameter \"ports\" is required"));
    }
    List<String> offered = offered(upgrade);
    Optional<String> protocol = offered.stream().filter(PORT_FORWARD_PROTOCOLS::contains).findFirst();
    if (!offered.isEmpty() && protocol.isEmpty()) {
      throw new ApiException(ApiError.badRequest("none of the requested protocols " + offered
          + " is supported; use v4.channel.k8s.io or " + SpdyTunnel.PROTOCOL));
    }
    List<SourceQueueWithComplete<ByteString>> inputs = new ArrayList<>();
    List<Source<ByteString, NotUsed>> outputs = new ArrayList<>();
    for (int i = 0; i < t.ports().size(); i++) {
      int port = t.ports().get(i);
      int data = ChannelFrames.portDataChannel(i);
      Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> queue =
          Source.<ByteString>queue(16, OverflowStrategy.backpressure()).preMaterialize(materializer);
      inputs.add(queue.first());
      Source<ByteString, NotUsed> received = queue.second()
          .via(streams.portForward(t.pod(), port)).mapMaterializedValue(m -> NotUsed.getInstance())
          .filter(b -> !b.isEmpty())
          .map(b -> ChannelFrames.encode(data, b))
          .recover(Exception.class, () -> ChannelFrames.encode(data + 1, ByteString.fromString(
              "error forwarding port " + port + " to pod " + t.pod())));
      outputs.add(Source.from(List.of(ChannelFrames.encode(data, ChannelFrames.portPrefix(port)),
          ChannelFrames.encode(data + 1, ChannelFrames.portPrefix(port)))).concat(received));
    }
    Source<ByteString, NotUsed> merged = outputs.get(0);
    for (int i = 1; i < outputs.size(); i++) {
      merged = merged.merge(outputs.get(i));
    }
    Sink<Message, CompletionStage<Done>> in = Flow.of(Message.class)
        .mapAsync(1, m -> bytes(m, materializer))
        .mapAsync(1, bytes -> {
          Optional<ChannelFrames.Frame> f = ChannelFrames.decode(bytes);
          int index = f.map(frame -> frame.channel() / 2).orElse(-1);
          if (f.isEmpty() || f.get().channel() % 2 != 0 || index >= inputs.size() || f.get().data().isEmpty()) {
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          return inputs.get(index).offer(f.get().data()).thenApply(r -> Done.getInstance());
        })
        .toMat(Sink.ignore(), Keep.right())
        .mapMaterializedValue(done -> {
          done.whenComplete((d, e) -> inputs.forEach(SourceQueueWithComplete::complete));
          return done;
        });
    Flow<Message, Message, NotUsed> flow = Flow.fromSinkAndSourceCoupled(in,
        merged.map(b -> (Message) BinaryMessage.create(b)));
    return protocol.map(p -> upgrade.handleMessagesWith(flow, p)).orElseGet(() -> upgrade.handleMessagesWith(flow));
  }

  private static List<String> offered(WebSocketUpgrade upgrade) {
    return StreamSupport.stream(upgrade.getRequestedProtocols().spliterator(), false).toList();
  }

  private static CompletionStage<ByteString> bytes(Message m, Materializer materializer) {
    if (m.isText()) {
      // Kubernetes' channel protocols are binary; text (the base64 variants) is not served.
      return CompletableFuture.completedFuture(ByteString.emptyByteString());
    }
    BinaryMessage b = m.asBinaryMessage();
    return b.isStrict() ? CompletableFuture.completedFuture(b.getStrictData())
        : b.toStrict(STRICT_TIMEOUT_MILLIS, materializer).thenApply(BinaryMessage::getStrictData);
  }

  /** Where client messages go: stdin (until closed by the v5 signal or the end) and terminal sizes. */
  private static final class Inputs {
    private SourceQueueWithComplete<ByteString> stdin;
    private SourceQueueWithComplete<TerminalSize> resize;

    Inputs(SourceQueueWithComplete<ByteString> stdin, SourceQueueWithComplete<TerminalSize> resize) {
      this.stdin = stdin;
      this.resize = resize;
    }

    /** Called one message at a time (mapAsync 1), so no two calls overlap. */
    synchronized CompletionStage<Done> deliver(ByteString message, ExecProtocol protocol) {
      Optional<ChannelFrames.Frame> frame = ChannelFrames.decode(message);
      if (frame.isEmpty()) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      ChannelFrames.Frame f = frame.get();
      if (f.channel() == ChannelFrames.STDIN && stdin != null && !f.data().isEmpty()) {
        return stdin.offer(f.data()).thenApply(r -> Done.getInstance());
      }
      if (f.channel() == ChannelFrames.RESIZE && resize != null && protocol.resize()) {
        Optional<TerminalSize> size = ChannelFrames.resize(f.data());
        if (size.isPresent()) {
          return resize.offer(size.get()).thenApply(r -> Done.getInstance());
        }
      }
      if (protocol.closeSignal()) {
        Optional<Integer> closed = ChannelFrames.closedChannel(f);
        if (closed.isPresent() && closed.get() == ChannelFrames.STDIN && stdin != null) {
          stdin.complete();
          stdin = null;
        }
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    synchronized void closeAll() {
      if (stdin != null) {
        stdin.complete();
        stdin = null;
      }
      if (resize != null) {
        resize.complete();
        resize = null;
      }
    }
  }
}
