package io.tugboat.api.streaming;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.runtime.TerminalSize;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Kubernetes' channel framing over WebSocket ({@code *.channel.k8s.io}): each binary message is one channel byte
 * followed by that channel's data. Exec uses 0 stdin, 1 stdout, 2 stderr, 3 error (status), 4 resize and, in v5,
 * 255 to close another channel; port-forward uses a data and an error channel per requested port, each opened
 * by a message holding the port number.
 */
public final class ChannelFrames {
  public static final int STDIN = 0;
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  public static final int ERROR = 3;
  public static final int RESIZE = 4;
  public static final int CLOSE = 255;

  private ChannelFrames() {}

  /** One received message: the channel and its data (empty for a message of only the channel byte). */
  public record Frame(int channel, ByteString data) {}

  /** The message carrying {@code data} on {@code channel}. */
  public static ByteString encode(int channel, ByteString data) {
    return ByteString.fromArray(new byte[] {(byte) channel}).concat(data);
  }

  /** Splits a message into channel and data; empty for an empty message, which carries nothing. */
  public static Optional<Frame> decode(ByteString message) {
    if (message.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Frame(message.apply(0) & 0xff, message.drop(1)));
  }

  /** The channel a v5 close signal closes, if this frame is one. */
  public static Optional<Integer> closedChannel(Frame frame) {
    return frame.channel() == CLOSE && frame.data().size() == 1 ? Optional.of(frame.data().apply(0) & 0xff)
        : Optional.empty();
  }

  /** The v5 message closing {@code channel}. */
  public static ByteString closeSignal(int channel) {
    return ByteString.fromArray(new byte[] {(byte) CLOSE, (byte) channel});
  }

  /** A resize message's size, {@code {"Width":80,"Height":24}}; empty when it is not one. */
  public static Optional<TerminalSize> resize(ByteString json) {
    try {
      JsonNode size = Json.MAPPER.readTree(json.toArray());
      if (size == null || !size.path("Width").canConvertToInt() || !size.path("Height").canConvertToInt()) {
        return Optional.empty();
      }
      return Optional.of(new TerminalSize(size.get("Width").asInt(), size.get("Height").asInt()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The first message of a port-forward channel: the port as two little-endian bytes, as the kubelet sends. */
  public static ByteString portPrefix(int port) {
    return new ByteStringBuilder().putShort(port, ByteOrder.LITTLE_ENDIAN).result();
  }

  /** The data channel of the {@code index}th requested port; its error channel is the next one. */
  public static int portDataChannel(int index) {
    return 2 * index;
  }
}
