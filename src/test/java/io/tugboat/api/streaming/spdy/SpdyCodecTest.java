package io.tugboat.api.streaming.spdy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class SpdyCodecTest {

  /** Frames written by one side's writer and read back by the other side's reader, in order. */
  private static List<SpdyFrame> roundTrip(SpdyFrame... frames) throws IOException {
    SpdyCodec.Writer writer = new SpdyCodec.Writer();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (SpdyFrame f : frames) {
      wire.writeBytes(writer.write(f));
    }
    SpdyCodec.Reader reader = new SpdyCodec.Reader(new ByteArrayInputStream(wire.toByteArray()));
    List<SpdyFrame> out = new java.util.ArrayList<>();
    for (SpdyFrame f = reader.read(); f != null; f = reader.read()) {
      out.add(f);
    }
    return out;
  }

  @Test
  void theDictionaryIsSpdy3s() throws Exception {
    assertEquals(1423, HeaderBlock.DICTIONARY.length);
    assertEquals("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02",
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(HeaderBlock.DICTIONARY)));
  }

  @Test
  void controlFramesRoundTripWithHeadersSharingOneCompressionStream() throws IOException {
    Map<String, String> error = Map.of("streamtype", "error");
    Map<String, String> stdout = Map.of("streamtype", "stdout");
    List<SpdyFrame> read = roundTrip(
        new SpdyFrame.SynStream(1, 0, 0, 0, error),
        new SpdyFrame.SynStream(3, 0, 0, SpdyFrame.FLAG_FIN, stdout),
        new SpdyFrame.SynReply(1, 0, Map.of()),
        new SpdyFrame.RstStream(5, 1),
        new SpdyFrame.Ping(7),
        new SpdyFrame.GoAway(3, 0),
        new SpdyFrame.WindowUpdate(1, 65536));
    assertEquals(new SpdyFrame.SynStream(1, 0, 0, 0, error), read.get(0));
    assertEquals(new SpdyFrame.SynStream(3, 0, 0, SpdyFrame.FLAG_FIN, stdout), read.get(1));
    assertEquals(new SpdyFrame.SynReply(1, 0, Map.of()), read.get(2));
    assertEquals(List.of(new SpdyFrame.RstStream(5, 1), new SpdyFrame.Ping(7), new SpdyFrame.GoAway(3, 0),
        new SpdyFrame.WindowUpdate(1, 65536)), read.subList(3, 7));
  }

  @Test
  void dataFramesCarryTheStreamIdFlagsAndBytes() throws IOException {
    byte[] wire = new SpdyCodec.Writer().write(new SpdyFrame.Data(3, SpdyFrame.FLAG_FIN, new byte[] {'h', 'i'}));
    assertArrayEquals(new byte[] {0, 0, 0, 3, 1, 0, 0, 2, 'h', 'i'}, wire);
    SpdyFrame.Data d = (SpdyFrame.Data) roundTrip(new SpdyFrame.Data(3, SpdyFrame.FLAG_FIN, new byte[] {'h', 'i'}))
        .get(0);
    assertEquals(3, d.streamId());
    assertEquals(true, d.fin());
    assertArrayEquals(new byte[] {'h', 'i'}, d.data());
  }

  @Test
  void aPingIsAVersion3ControlFrameOfType6() {
    assertArrayEquals(new byte[] {(byte) 0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 9},
        new SpdyCodec.Writer().write(new SpdyFrame.Ping(9)));
  }

  @Test
  void headerBlocksAreCountThenLengthPrefixedNamesAndValuesLowerCased() throws IOException {
    byte[] block = HeaderBlock.encode(Map.of("StreamType", "error"));
    assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 10, 's', 't', 'r', 'e', 'a', 'm', 't', 'y', 'p', 'e',
        0, 0, 0, 5, 'e', 'r', 'r', 'o', 'r'}, block);
    assertEquals(Map.of("streamtype", "error"), HeaderBlock.decode(block));
  }

  @Test
  void compressedBlocksUseTheDictionaryAsAnyZlibPeerExpects() throws Exception {
    // What a peer (Go's zlib with the dictionary) sends: inflatable only with the SPDY/3 dictionary.
    byte[] compressed = new HeaderBlock.Compressor().compress(Map.of("port", "8080"));
    Inflater plain = new Inflater();
    plain.setInput(compressed);
    byte[] out = new byte[256];
    assertEquals(0, plain.inflate(out));
    assertEquals(true, plain.needsDictionary());
    java.util.zip.Adler32 adler = new java.util.zip.Adler32();
    adler.update(HeaderBlock.DICTIONARY);
    assertEquals((int) adler.getValue(), plain.getAdler());
    // zlib header with FDICT set, then the dictionary's Adler-32 (RFC 1950), as the SPDY/3 draft prescribes.
    assertEquals(0x78, compressed[0] & 0xff);
    assertEquals(0x20, compressed[1] & 0x20);
    assertEquals((int) adler.getValue(), java.nio.ByteBuffer.wrap(compressed, 2, 4).getInt());
    plain.setDictionary(HeaderBlock.DICTIONARY);
    int n = plain.inflate(out);
    assertEquals(Map.of("port", "8080"), HeaderBlock.decode(java.util.Arrays.copyOf(out, n)));

    Deflater peer = new Deflater();
    peer.setDictionary(HeaderBlock.DICTIONARY);
    peer.setInput(HeaderBlock.encode(Map.of("streamtype", "data", "port", "80")));
    byte[] buf = new byte[256];
    int len = peer.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    assertEquals(Map.of("streamtype", "data", "port", "80"),
        new HeaderBlock.Decompressor().decompress(java.util.Arrays.copyOf(buf, len)));
  }

  @Test
  void aCleanEndBetweenFramesIsTheEndAndOtherVersionsAreRefused() throws IOException {
    assertNull(new SpdyCodec.Reader(new ByteArrayInputStream(new byte[0])).read());
    SpdyCodec.Reader v2 = new SpdyCodec.Reader(new ByteArrayInputStream(
        new byte[] {(byte) 0x80, 2, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1}));
    assertThrows(IOException.class, v2::read);
    assertInstanceOf(SpdyFrame.Unknown.class, new SpdyCodec.Reader(new ByteArrayInputStream(
        new byte[] {(byte) 0x80, 3, 0, 10, 0, 0, 0, 0})).read());
  }
}
