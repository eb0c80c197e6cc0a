package io.tugboat.api.streaming;

import java.util.List;
import java.util.Optional;

/**
 * The versions of Kubernetes' remote command protocol, newest first. v2 added the error stream as the first one a
 * client opens, v3 the resize stream, v4 a JSON Status on the error stream (so exit codes reach the client), v5
 * (WebSocket only) the signal that closes stdin without closing the connection.
 */
public enum ExecProtocol {
  V5("v5.channel.k8s.io"),
  V4("v4.channel.k8s.io"),
  V3("v3.channel.k8s.io"),
  V2("v2.channel.k8s.io"),
  V1("channel.k8s.io");

  private final String header;

  ExecProtocol(String header) {
    this.header = header;
  }

  /** The name in {@code Sec-WebSocket-Protocol} and {@code X-Stream-Protocol-Version}. */
  public String header() {
    return header;
  }

  /** Whether the error channel carries a JSON Status (with the exit code) rather than a bare message. */
  public boolean jsonStatus() {
    return ordinal() <= V4.ordinal();
  }

  /** Whether the client may send terminal sizes. */
  public boolean resize() {
    return ordinal() <= V3.ordinal();
  }

  /** Whether channel 255 closes another channel (WebSocket v5). */
  public boolean closeSignal() {
    return this == V5;
  }

  /**
   * The first protocol the client offers that this transport speaks, as Kubernetes' handshakes pick; empty when
   * it offers only unknown ones. Over SPDY v5 adds nothing (a stream closes by itself), so v4 is preferred there.
   */
  public static Optional<ExecProtocol> negotiate(List<String> offered, boolean spdy) {
    List<String> names = offered.stream().flatMap(o -> List.of(o.split(",")).stream()).map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
    if (spdy && names.contains(V4.header)) {
      return Optional.of(V4);
    }
    for (String name : names) {
      for (ExecProtocol p : values()) {
        if (p.header.equals(name) && !(spdy && p == V5)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
