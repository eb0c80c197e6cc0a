package io.tugboat.node;

import akka.actor.typed.ActorSystem;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.FakeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs probe and lifecycle hook handlers as the kubelet does: exec in the container (exit code 0 succeeds),
 * httpGet to the pod's IP (or host) and port (2xx and 3xx succeed; Host header, headers, scheme), tcpSocket
 * (a connection succeeds). Each run ends within its timeout with a {@link Probes.Result}. Network probes block a
 * thread of a small shared pool (the kubelet's goroutine per probe), never an actor's.
 */
public final class Prober {

  private static final ExecutorService NETWORK = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "tugboat-prober");
    t.setDaemon(true);
    return t;
  });
  private static final int MAX_OUTPUT = 10 * 1024;

  private final ContainerRuntime runtime;
  private final Materializer materializer;

  /** A prober over this runtime, running exec sessions' streams on this system. */
  public Prober(ContainerRuntime runtime, ActorSystem<?> system) {
    this.runtime = runtime;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** Runs a handler (a probe or hook: exec, httpGet or tcpSocket) against a container of a pod at podIp. */
  public CompletionStage<Probes.Result> run(JsonNode handler, String containerId, String podIp, Duration timeout) {
    try {
      if (handler.has("exec")) {
        return exec(containerId, ContainerConfigs.strings(handler.path("exec").path("command")), timeout);
      }
      if (handler.has("httpGet")) {
        JsonNode h = handler.path("httpGet");
        if (runtime instanceof FakeRuntime fake) {
          return simulated(fake, h, podIp, Json.text(h.path("path")).isEmpty() ? "/" : Json.text(h.path("path")));
        }
        return network(() -> httpGet(h, podIp, timeout));
      }
      if (handler.has("tcpSocket")) {
        JsonNode t = handler.path("tcpSocket");
        if (runtime instanceof FakeRuntime fake) {
          return simulated(fake, t, podIp, null);
        }
        return network(() -> tcp(t, podIp, timeout));
      }
      if (handler.has("sleep")) {
        return CompletableFuture.completedFuture(new Probes.Result(true, ""));
      }
      return CompletableFuture.completedFuture(new Probes.Result(false, "unsupported handler: " + handler));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new Probes.Result(false, String.valueOf(e.getMessage())));
    }
  }

  // The fake runtime's pods have IPs nothing listens on: it answers network probes itself.
  private static CompletionStage<Probes.Result> simulated(FakeRuntime fake, JsonNode h, String podIp, String path) {
    String host = Json.text(h.path("host")).isEmpty() ? podIp : Json.text(h.path("host"));
    FakeRuntime.ExecResult r = fake.probeNetwork(host, port(h.path("port")), path);
    return CompletableFuture.completedFuture(new Probes.Result(r.exitCode() == 0, r.output()));
  }

  private CompletionStage<Probes.Result> exec(String containerId, List<String> command, Duration timeout) {
    ExecSession session = runtime.exec(containerId, command, false, false);
    CompletionStage<ByteString> out = session.stdout().runWith(Sink.fold(ByteString.emptyByteString(),
        (acc, b) -> acc.size() >= MAX_OUTPUT ? acc : acc.concat(b)), materializer);
    CompletionStage<ByteString> err = session.stderr().runWith(Sink.fold(ByteString.emptyByteString(),
        (acc, b) -> acc.size() >= MAX_OUTPUT ? acc : acc.concat(b)), materializer);
    akka.stream.javadsl.Source.<ByteString>empty().runWith(session.stdin(), materializer);
    akka.stream.javadsl.Source.<io.tugboat.runtime.TerminalSize>empty().runWith(session.resize(), materializer);
    CompletableFuture<Probes.Result> result = out.thenCombine(err, ByteString::concat)
        .thenCombine(session.exitCode(), (output, code) -> {
          String text = output.utf8String().strip();
          return code == 0 ? new Probes.Result(true, text)
              : new Probes.Result(false, text.isEmpty() ? "command " + command + " exited with " + code : text);
        }).toCompletableFuture();
    return result.completeOnTimeout(new Probes.Result(false, "command timed out"), timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private interface Check {
    Probes.Result run() throws IOException;
  }

  private static CompletionStage<Probes.Result> network(Check check) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return check.run();
      } catch (IOException | RuntimeException e) {
        return new Probes.Result(false, String.valueOf(e.getMessage()));
      }
    }, NETWORK);
  }

  private static int port(JsonNode port) {
    if (port.isNumber() || port.asText().matches("\\d+")) {
      return port.asInt();
    }
    throw new IllegalArgumentException("named port " + port.asText() + " is not resolved");
  }

  private static Probes.Result tcp(JsonNode t, String podIp, Duration timeout) throws IOException {
    String host = Json.text(t.path("host")).isEmpty() ? podIp : Json.text(t.path("host"));
    int port = port(t.path("port"));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return new Probes.Result(true, "");
    } catch (IOException e) {
      throw new IOException("dial tcp " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** An HTTP/1.1 GET with "Connection: close"; the status line decides. HTTPS is not verified, as the kubelet. */
  static Probes.Result httpGet(JsonNode h, String podIp, Duration timeout) throws IOException {
    String host = Json.text(h.path("host")).isEmpty() ? podIp : Json.text(h.path("host"));
    int port = port(h.path("port"));
    String path = Json.text(h.path("path")).isEmpty() ? "/" : Json.text(h.path("path"));
    boolean https = "HTTPS".equalsIgnoreCase(Json.text(h.path("scheme")));
    String hostHeader = host + ":" + port;
    StringBuilder headers = new StringBuilder();
    for (JsonNode header : h.path("httpHeaders")) {
      String name = Json.text(header.path("name"));
      if (name.equalsIgnoreCase("host")) {
        hostHeader = Json.text(header.path("value"));
      } else {
        headers.append(name).append(": ").append(Json.text(header.path("value"))).append("\r\n");
      }
    }
    String url = (https ? "https" : "http") + "://" + host + ":" + port + path;
    Socket socket = https ? trustAll().createSocket() : new Socket();
    try (Socket s = socket) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      OutputStream out = s.getOutputStream();
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: kube-probe/1.31\r\n"
          + "Accept: */*\r\nConnection: close\r\n" + headers + "\r\n";
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0 && b != '\n' && line.length() < 1024) {
        line.append((char) b);
      }
      String[] parts = line.toString().trim().split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return new Probes.Result(false, "Get \"" + url + "\": malformed HTTP response");
      }
      int code = Integer.parseInt(parts[1]);
      return code >= 200 && code < 400 ? new Probes.Result(true, "")
          : new Probes.Result(false, "HTTP probe failed with statuscode: " + code);
    } catch (IOException e) {
      throw new IOException("Get \"" + url + "\": " + e.getMessage(), e);
    }
  }

  private static javax.net.ssl.SSLSocketFactory trustAll() throws IOException {
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null);
      return ctx.getSocketFactory();
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
