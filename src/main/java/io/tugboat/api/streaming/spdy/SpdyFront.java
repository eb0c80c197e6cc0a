package io.tugboat.api.streaming.spdy;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import io.tugboat.api.streaming.ExecProtocol;
import io.tugboat.api.streaming.ExecStatus;
import io.tugboat.api.streaming.PodStreamRoutes;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server's public port when SPDY is on ({@code tugboat.api.spdy = on}). Akka HTTP cannot hand a connection
 * over for an upgrade other than WebSocket, so this front terminates TLS, reads the first request head of each
 * connection and either answers a pod exec/attach/portforward asking for {@code Upgrade: SPDY/3.1} itself
 * (kubectl 1.27 to 1.29, and the fallback of newer ones), or passes the connection through byte for byte to Akka
 * HTTP on a loopback port, keep-alive included. One thread per direction per connection.
 */
public final class SpdyFront implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpdyFront.class);
  private static final Pattern STREAM_PATH =
      Pattern.compile("/api/v1/namespaces/([^/?]+)/pods/([^/?]+)/(exec|attach|portforward)/?");
  private static final int MAX_HEAD = 64 * 1024;
  /** How long a client may keep a finished exec's connection before the server closes it. */
  private static final long LINGER_SECONDS = 30;

  private final ServerSocket server;
  private final int backendPort;
  private final PodStreamRoutes routes;
  private final Consumer<HttpRequest> authenticate;
  private final Materializer materializer;
  private volatile boolean closed;

  private SpdyFront(ServerSocket server, int backendPort, PodStreamRoutes routes,
      Consumer<HttpRequest> authenticate, Materializer materializer) {
    this.server = server;
    this.backendPort = backendPort;
    this.routes = routes;
    this.authenticate = authenticate;
    this.materializer = materializer;
  }

  /**
   * Listens on host:port (TLS when {@code tls} is not null) in front of Akka HTTP on loopback {@code backendPort}.
   * {@code authenticate} throws an ApiException for a request whose credentials are refused.
   */
  public static SpdyFront start(String host, int port, SSLContext tls, int backendPort, PodStreamRoutes routes,
      Consumer<HttpRequest> authenticate, Materializer materializer) throws IOException {
    ServerSocket server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(host, port), 512);
    SpdyFront front = new SpdyFront(server, backendPort, routes, authenticate, materializer);
    daemon("api-front-accept", front::accept).start();
    return front;
  }

  /** The address the front listens on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        daemon("api-front-" + client.getPort(), () -> serve(client)).start();
      } catch (IOException e) {
        if (!closed) {
          log.warn("API front: accept failed", e);
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setTcpNoDelay(true);
      BufferedInputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      RequestHead request = RequestHead.parse(new String(head, StandardCharsets.ISO_8859_1));
      Matcher m = STREAM_PATH.matcher(request.path());
      if (request.header("upgrade").toLowerCase(Locale.ROOT).contains("spdy/3.1") && m.matches()) {
        upgrade(client, in, request, m.group(1), m.group(2), m.group(3));
      } else {
        passThrough(client, in, head);
      }
    } catch (IOException e) {
      log.debug("API front: connection ended: {}", e.toString());
    }
  }

  private void upgrade(Socket client, InputStream in, RequestHead request, String namespace, String name,
      String sub) throws IOException {
    OutputStream out = client.getOutputStream();
    List<String> offered = request.headers("x-stream-protocol-version");
    SpdySession session;
    String chosen;
    try {
      HttpRequest akka = HttpRequest.create(request.target());
      for (String auth : request.headers("authorization")) {
        akka = akka.addHeader(RawHeader.create("Authorization", auth));
      }
      authenticate.accept(akka);
      Query q = Uri.create("http://localhost" + request.target()).query();
      if (sub.equals("portforward")) {
        if (!offered.isEmpty() && offered.stream().noneMatch(v -> v.contains("portforward.k8s.io"))) {
          throw unsupported(offered, "portforward.k8s.io");
        }
        chosen = "portforward.k8s.io";
        session = SpdySession.portForward(in, out, materializer, routes.streams(),
            routes.portForward(namespace, name, q));
      } else {
        ExecProtocol protocol = offered.isEmpty() ? ExecProtocol.V1 : ExecProtocol.negotiate(offered, true)
            .orElseThrow(() -> unsupported(offered, "v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, "
                + "channel.k8s.io"));
        chosen = protocol.header();
        session = SpdySession.exec(in, out, materializer, routes.streams(), routes.exec(namespace, name, sub, q),
            protocol);
      }
    } catch (ApiException e) {
      byte[] body = ExecStatus.statusJson(e.error());
      out.write(("HTTP/1.1 " + e.error().code() + " " + reason(e.error().code()) + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return;
    }
    out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
        + "X-Stream-Protocol-Version: " + chosen + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    // The client closes the connection once it has read the status; one that does not is closed after a while.
    session.finished().thenRun(() -> CompletableFuture.delayedExecutor(LINGER_SECONDS, TimeUnit.SECONDS)
        .execute(() -> closeQuietly(client)));
    try {
      session.serve();
    } catch (SocketException e) {
      log.debug("SPDY connection closed: {}", e.toString());
    }
  }

  private static ApiException unsupported(List<String> offered, String supported) {
    return new ApiException(new ApiError(403, "Forbidden", "unable to upgrade: unable to negotiate protocol: "
        + "client supports " + offered + ", server supports [" + supported + "]", null, null, List.of()));
  }

  /** Hands the connection to Akka HTTP: the bytes read so far, then everything in both directions. */
  private void passThrough(Socket client, InputStream in, byte[] head) throws IOException {
    try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
      backend.setTcpNoDelay(true);
      OutputStream toBackend = backend.getOutputStream();
      toBackend.write(head);
      toBackend.flush();
      Thread upstream = daemon("api-front-up-" + client.getPort(), () -> {
        try {
          copy(in, toBackend);
          backend.shutdownOutput();
        } catch (IOException e) {
          closeQuietly(backend);
        }
      });
      upstream.start();
      try {
        copy(backend.getInputStream(), client.getOutputStream());
      } catch (IOException e) {
        // either side went away
      }
    }
  }

  private static void copy(InputStream from, OutputStream to) throws IOException {
    byte[] buf = new byte[16 * 1024];
    for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
      to.write(buf, 0, n);
      to.flush();
    }
  }

  /** The request line and headers through the blank line; null when the client closed first. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
      if (head.size() > MAX_HEAD) {
        throw new IOException("request head longer than " + MAX_HEAD + " bytes");
      }
    }
    return head.toByteArray();
  }

  private static String reason(int code) {
    return switch (code) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      default -> "Error";
    };
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /** A parsed HTTP/1.1 request head. */
  record RequestHead(String method, String target, List<String[]> headerLines) {
    static RequestHead parse(String head) throws IOException {
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length != 3) {
        throw new IOException("bad request line: " + lines[0]);
      }
      List<String[]> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.add(new String[] {lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim()});
        }
      }
      return new RequestHead(requestLine[0], requestLine[1], headers);
    }

    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    List<String> headers(String name) {
      return headerLines.stream().filter(h -> h[0].equals(name)).map(h -> h[1]).toList();
    }

    String header(String name) {
      return String.join(",", headers(name));
    }
  }
}
