package io.tugboat.api.streaming.spdy;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Reads and writes SPDY/3 frames (draft 3, section 2.2): an 8-byte header (control bit, version 3 and type, or a
 * 31-bit stream id for data; 8 flag bits; a 24-bit length), then the payload. One codec serves one direction
 * of one session, since its header compression carries state from frame to frame.
 */
final class SpdyCodec {
  static final int VERSION = 3;
  static final int SYN_STREAM = 1;
  static final int SYN_REPLY = 2;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int HEADERS = 8;
  static final int WINDOW_UPDATE = 9;
  /** Larger than any frame a client of ours sends; a bigger length means a broken or hostile peer. */
  static final int MAX_LENGTH = 1 << 24;

  private SpdyCodec() {}

  /** Decodes frames sent by the peer. */
  static final class Reader {
    private final DataInputStream in;
    private final HeaderBlock.Decompressor headers = new HeaderBlock.Decompressor();

    Reader(InputStream in) {
      this.in = new DataInputStream(in);
    }

    /** The next frame; null at a clean end of the stream between frames. */
    SpdyFrame read() throws IOException {
      int first;
      try {
        first = in.readInt();
      } catch (EOFException e) {
        return null;
      }
      int flagsAndLength = in.readInt();
      int flags = flagsAndLength >>> 24;
      int length = flagsAndLength & 0xffffff;
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (first >= 0) {
        return new SpdyFrame.Data(first & 0x7fffffff, flags, payload);
      }
      int version = (first >>> 16) & 0x7fff;
      int type = first & 0xffff;
      if (version != VERSION) {
        throw new IOException("SPDY version " + version + " is not supported; only 3 is");
      }
      ByteBuffer p = ByteBuffer.wrap(payload);
      try {
        return switch (type) {
          case SYN_STREAM -> {
            int id = p.getInt() & 0x7fffffff;
            int assoc = p.getInt() & 0x7fffffff;
            int priority = (p.get() & 0xff) >>> 5;
            p.get(); // slot
            yield new SpdyFrame.SynStream(id, assoc, priority, flags, headers.decompress(rest(p)));
          }
          case SYN_REPLY -> new SpdyFrame.SynReply(p.getInt() & 0x7fffffff, flags, headers.decompress(rest(p)));
          case HEADERS -> new SpdyFrame.Headers(p.getInt() & 0x7fffffff, flags, headers.decompress(rest(p)));
          case RST_STREAM -> new SpdyFrame.RstStream(p.getInt() & 0x7fffffff, p.getInt());
          case SETTINGS -> new SpdyFrame.Settings(flags, payload);
          case PING -> new SpdyFrame.Ping(p.getInt());
          case GOAWAY -> new SpdyFrame.GoAway(p.getInt() & 0x7fffffff, p.getInt());
          case WINDOW_UPDATE -> new SpdyFrame.WindowUpdate(p.getInt() & 0x7fffffff, p.getInt() & 0x7fffffff);
          default -> new SpdyFrame.Unknown(type, flags, payload);
        };
      } catch (java.nio.BufferUnderflowException e) {
        throw new IOException("SPDY control frame of type " + type + " is too short (" + length + " bytes)", e);
      }
    }

    void close() {
      headers.close();
    }

    private static byte[] rest(ByteBuffer p) {
      byte[] b = new byte[p.remaining()];
      p.get(b);
      return b;
    }
  }

  /** Encodes frames to send to the peer. */
  static final class Writer {
    private final HeaderBlock.Compressor headers = new HeaderBlock.Compressor();

    synchronized byte[] write(SpdyFrame frame) {
      if (frame instanceof SpdyFrame.Data d) {
        return ByteBuffer.allocate(8 + d.data().length).putInt(d.streamId() & 0x7fffffff)
            .putInt(header(d.flags(), d.data().length)).put(d.data()).array();
      }
      if (frame instanceof SpdyFrame.SynStream s) {
        byte[] block = headers.compress(s.headers());
        return control(SYN_STREAM, s.flags(), ByteBuffer.allocate(10 + block.length).putInt(s.streamId())
            .putInt(s.associatedId()).put((byte) (s.priority() << 5)).put((byte) 0).put(block).array());
      }
      if (frame instanceof SpdyFrame.SynReply r) {
        byte[] block = headers.compress(r.headers());
        return control(SYN_REPLY, r.flags(), ByteBuffer.allocate(4 + block.length).putInt(r.streamId())
            .put(block).array());
      }
      if (frame instanceof SpdyFrame.Headers h) {
        byte[] block = headers.compress(h.headers());
        return control(HEADERS, h.flags(), ByteBuffer.allocate(4 + block.length).putInt(h.streamId())
            .put(block).array());
      }
      if (frame instanceof SpdyFrame.RstStream r) {
        return control(RST_STREAM, 0, ByteBuffer.allocate(8).putInt(r.streamId()).putInt(r.status()).array());
      }
      if (frame instanceof SpdyFrame.Settings s) {
        return control(SETTINGS, s.flags(), s.payload());
      }
      if (frame instanceof SpdyFrame.Ping p) {
        return control(PING, 0, ByteBuffer.allocate(4).putInt(p.id()).array());
      }
      if (frame instanceof SpdyFrame.GoAway g) {
        return control(GOAWAY, 0, ByteBuffer.allocate(8).putInt(g.lastGoodStreamId()).putInt(g.status()).array());
      }
      if (frame instanceof SpdyFrame.WindowUpdate w) {
        return control(WINDOW_UPDATE, 0, ByteBuffer.allocate(8).putInt(w.streamId()).putInt(w.delta()).array());
      }
      SpdyFrame.Unknown u = (SpdyFrame.Unknown) frame;
      return control(u.type(), u.flags(), u.payload());
    }

    void close() {
      headers.close();
    }

    private static byte[] control(int type, int flags, byte[] payload) {
      return ByteBuffer.allocate(8 + payload.length).putInt(0x80000000 | (VERSION << 16) | type)
          .putInt(header(flags, payload.length)).put(payload).array();
    }

    private static int header(int flags, int length) {
      if (length >= MAX_LENGTH) {
        throw new IllegalArgumentException("SPDY frame of " + length + " bytes is too long");
      }
      return (flags << 24) | length;
    }
  }

  /** A header block as this server writes it. */
  static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }
}
