package io.tugboat.api.streaming;

import akka.util.ByteString;
import io.tugboat.runtime.TerminalSize;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelFramesTest {

  @Test
  void aMessageIsTheChannelByteThenTheData() {
    ByteString m = ChannelFrames.encode(ChannelFrames.STDOUT, ByteString.fromString("hi\n"));
    assertEquals(ByteString.fromArray(new byte[] {1, 'h', 'i', '\n'}), m);
    ChannelFrames.Frame f = ChannelFrames.decode(m).orElseThrow();
    assertEquals(1, f.channel());
    assertEquals("hi\n", f.data().utf8String());
  }

  @Test
  void anEmptyMessageCarriesNothingAndAChannelByteAloneCarriesNoData() {
    assertTrue(ChannelFrames.decode(ByteString.emptyByteString()).isEmpty());
    assertEquals(0, ChannelFrames.decode(ByteString.fromArray(new byte[] {0})).orElseThrow().data().size());
  }

  @Test
  void theV5CloseSignalNamesTheClosedChannel() {
    ChannelFrames.Frame f = ChannelFrames.decode(ChannelFrames.closeSignal(0)).orElseThrow();
    assertEquals(255, f.channel());
    assertEquals(Optional.of(0), ChannelFrames.closedChannel(f));
    assertEquals(Optional.empty(), ChannelFrames.closedChannel(new ChannelFrames.Frame(0, ByteString.fromString("x"))));
  }

  @Test
  void resizeMessagesAreWidthAndHeight() {
    assertEquals(Optional.of(new TerminalSize(120, 40)),
        ChannelFrames.resize(ByteString.fromString("{\"Width\":120,\"Height\":40}")));
    assertEquals(Optional.empty(), ChannelFrames.resize(ByteString.fromString("{\"Width\":\"x\"}")));
    assertEquals(Optional.empty(), ChannelFrames.resize(ByteString.fromString("not json")));
  }

  @Test
  void portForwardChannelsOpenWithTheLittleEndianPort() {
    assertEquals(ByteString.fromArray(new byte[] {(byte) 0x90, 0x1f}), ChannelFrames.portPrefix(8080));
    assertEquals(2, ChannelFrames.portDataChannel(1));
  }

  @Test
  void negotiationTakesTheClientsFirstKnownProtocolAndV4OverSpdy() {
    assertEquals(Optional.of(ExecProtocol.V5), ExecProtocol.negotiate(List.of("v5.channel.k8s.io"), false));
    assertEquals(Optional.of(ExecProtocol.V4), ExecProtocol.negotiate(
        List.of("v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io"), true));
    assertEquals(Optional.of(ExecProtocol.V3), ExecProtocol.negotiate(List.of("x", "v3.channel.k8s.io"), false));
    assertEquals(Optional.empty(), ExecProtocol.negotiate(List.of("base64.channel.k8s.io"), false));
  }

  @Test
  void exitStatusesFollowTheProtocolVersion() {
    assertEquals("{\"metadata\":{},\"status\":\"Success\"}",
        ExecStatus.exited(ExecProtocol.V5, List.of("true"), 0).orElseThrow().utf8String());
    assertEquals(Optional.empty(), ExecStatus.exited(ExecProtocol.V3, List.of("true"), 0));
    String failure = ExecStatus.exited(ExecProtocol.V4, List.of("false"), 1).orElseThrow().utf8String();
    assertTrue(failure.contains("\"reason\":\"NonZeroExitCode\""), failure);
    assertTrue(failure.contains("\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"1\"}]"), failure);
  }
}
