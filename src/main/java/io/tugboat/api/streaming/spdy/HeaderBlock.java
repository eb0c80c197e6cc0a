package io.tugboat.api.streaming.spdy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * SPDY/3 name/value header blocks: a count, then length-prefixed names and values, compressed with one zlib
 * stream per direction of a session, primed with SPDY/3's dictionary and sync-flushed after every block.
 */
final class HeaderBlock {
  private HeaderBlock() {}

  /** The header names and phrases SPDY/3 primes zlib with (draft 3, section 2.6.10.1). */
  static final byte[] DICTIONARY = dictionary();

  private static byte[] dictionary() {
    List<String> words = List.of("options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
        "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control",
        "connection", "content-base", "content-encoding", "content-language", "content-length", "content-location",
        "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host",
        "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified",
        "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
        "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via",
        "warning", "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public",
        "set-cookie", "keep-alive", "origin");
    String tail = "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
        + "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
        + "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
        + "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
        + "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
        + "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String w : words) {
      byte[] b = w.getBytes(StandardCharsets.US_ASCII);
      out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
    }
    out.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** The uncompressed block of {@code headers}, names lower-cased. */
  static byte[] encode(Map<String, String> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(4).putInt(headers.size()).array());
    headers.forEach((name, value) -> {
      for (byte[] b : List.of(name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8),
          value.getBytes(StandardCharsets.UTF_8))) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
      }
    });
    return out.toByteArray();
  }

  /** Parses an uncompressed block. */
  static Map<String, String> decode(byte[] block) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(block);
    try {
      int count = in.getInt();
      if (count < 0 || count > block.length / 8) {
        throw new IOException("SPDY header block claims " + count + " headers in " + block.length + " bytes");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = string(in);
        headers.put(name, string(in));
      }
      return headers;
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new IOException("truncated SPDY header block", e);
    }
  }

  private static String string(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** One direction's compressor. */
  static final class Compressor {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);

    Compressor() {
      deflater.setDictionary(DICTIONARY);
    }

    synchronized byte[] compress(Map<String, String> headers) {
      deflater.setInput(encode(headers));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      do {
        n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length || !deflater.needsInput());
      return out.toByteArray();
    }

    void close() {
      deflater.end();
    }
  }

  /** One direction's decompressor. */
  static final class Decompressor {
    private final Inflater inflater = new Inflater();

    synchronized Map<String, String> decompress(byte[] compressed) throws IOException {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        while (true) {
          int n = inflater.inflate(buf);
          if (n == 0 && inflater.needsDictionary()) {
            inflater.setDictionary(DICTIONARY);
            continue;
          }
          out.write(buf, 0, n);
          if (n == 0 && (inflater.needsInput() || inflater.finished())) {
            break;
          }
        }
      } catch (DataFormatException e) {
        throw new IOException("bad SPDY header compression: " + e.getMessage(), e);
      }
      return decode(out.toByteArray());
    }

    void close() {
      inflater.end();
    }
  }
}
