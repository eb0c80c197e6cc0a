package io.tugboat.api.streaming.spdy;

import java.util.Map;

/**
 * The SPDY/3 frames a Kubernetes streaming session uses. Header blocks are maps from lower-case names to values,
 * several values of one name joined by NUL as SPDY/3 encodes them.
 */
public sealed interface SpdyFrame {
  int FLAG_FIN = 0x01;
  int FLAG_UNIDIRECTIONAL = 0x02;

  /** Stream data; FIN half-closes the sender's side. */
  record Data(int streamId, int flags, byte[] data) implements SpdyFrame {
    public boolean fin() {
      return (flags & FLAG_FIN) != 0;
    }
  }

  /** Opens a stream. */
  record SynStream(int streamId, int associatedId, int priority, int flags, Map<String, String> headers)
      implements SpdyFrame {}

  /** Accepts a stream the peer opened. */
  record SynReply(int streamId, int flags, Map<String, String> headers) implements SpdyFrame {}

  /** Aborts a stream. */
  record RstStream(int streamId, int status) implements SpdyFrame {}

  /** Connection settings; read and ignored (nothing here depends on them). */
  record Settings(int flags, byte[] payload) implements SpdyFrame {}

  /** A ping, answered with the same id. */
  record Ping(int id) implements SpdyFrame {}

  /** The end of the session. */
  record GoAway(int lastGoodStreamId, int status) implements SpdyFrame {}

  /** More headers on a stream. */
  record Headers(int streamId, int flags, Map<String, String> headers) implements SpdyFrame {}

  /** Flow control credit; read and ignored, as spdystream does. */
  record WindowUpdate(int streamId, int delta) implements SpdyFrame {}

  /** A control frame of a type this server does not know, skipped. */
  record Unknown(int type, int flags, byte[] payload) implements SpdyFrame {}
}
