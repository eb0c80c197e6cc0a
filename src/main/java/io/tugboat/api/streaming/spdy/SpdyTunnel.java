package io.tugboat.api.streaming.spdy;

import akka.NotUsed;
import akka.http.javadsl.model.ws.BinaryMessage;
import akka.http.javadsl.model.ws.Message;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import io.tugboat.api.streaming.ContainerStreams;
import io.tugboat.api.streaming.PodStreamRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-forward as kubectl 1.31+ first tries it (KEP-4006): a WebSocket with the subprotocol
 * {@value #PROTOCOL} whose binary messages carry, in order, the bytes of a SPDY/3.1 session, the same session a
 * plain SPDY upgrade carries. The WebSocket's bytes are fed to {@link SpdySession} as a stream, which serves them
 * on a thread of its own (its reads block), and its frames go back as binary messages.
 */
public final class SpdyTunnel {
  private SpdyTunnel() {}

  /** The WebSocket subprotocol of SPDY tunnelled port-forward. */
  public static final String PROTOCOL = "SPDY/3.1+portforward.k8s.io";

  private static final Logger log = LoggerFactory.getLogger(SpdyTunnel.class);
  // A forwarded connection may be idle for hours: the session's reads wait as long as the WebSocket is open.
  private static final Duration READ_TIMEOUT = Duration.ofDays(365);
  private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(1);

  /** The WebSocket side of a tunnelled port-forward to {@code target}: SPDY bytes in, SPDY bytes out. */
  public static Flow<Message, Message, NotUsed> portForward(ContainerStreams streams,
      PodStreamRoutes.PortForwardTarget target, Materializer materializer) {
    Pair<InputStream, Sink<ByteString, NotUsed>> in =
        StreamConverters.asInputStream(READ_TIMEOUT).preMaterialize(materializer);
    Pair<OutputStream, Source<ByteString, NotUsed>> out =
        StreamConverters.asOutputStream(WRITE_TIMEOUT).preMaterialize(materializer);
    SpdySession session = SpdySession.portForward(in.first(), out.first(), materializer, streams, target);
    Thread serving = new Thread(() -> {
      try {
        session.serve();
      } catch (IOException e) {
        log.debug("tunnelled SPDY session of {} ended: {}", target.pod(), e.toString());
      } finally {
        try {
          out.first().close();
        } catch (IOException e) {
          // the WebSocket is gone already
        }
      }
    }, "spdy-tunnel-" + target.pod());
    serving.setDaemon(true);
    serving.start();
    Sink<Message, NotUsed> received = Flow.of(Message.class)
        .filter(m -> !m.isText())
        .flatMapConcat(m -> m.asBinaryMessage().getStreamedData())
        .to(in.second());
    return Flow.fromSinkAndSourceCoupled(received, out.second().map(b -> (Message) BinaryMessage.create(b)));
  }
}
