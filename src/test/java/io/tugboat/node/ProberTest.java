package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** httpGet and tcpSocket probes against a local server. */
class ProberTest {

  /** Answers one HTTP request with this status; completes with the request's head. */
  static CompletableFuture<String> serveOnce(ServerSocket server, int status) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket s = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          head.append(line).append('\n');
        }
        s.getOutputStream().write(("HTTP/1.1 " + status + " X\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        return head.toString();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void httpGetSendsPathHostHeaderAndHeadersAndJudgesTheStatus() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      var head = serveOnce(server, 204);
      var spec = PodStatusesTest.pod("""
          path: /healthz
          port: %d
          httpHeaders: [{name: Host, value: example.com}, {name: X-Check, value: "1"}]
          """.formatted(server.getLocalPort()));
      Probes.Result ok = Prober.httpGet(spec, "127.0.0.1", Duration.ofSeconds(2));
      assertTrue(ok.success(), ok.message());
      String request = head.get(5, TimeUnit.SECONDS);
      assertTrue(request.startsWith("GET /healthz HTTP/1.1\n"), request);
      assertTrue(request.contains("Host: example.com\n"), request);
      assertTrue(request.contains("X-Check: 1\n"), request);

      serveOnce(server, 503);
      Probes.Result bad = Prober.httpGet(spec, "127.0.0.1", Duration.ofSeconds(2));
      assertFalse(bad.success());
      assertEquals("HTTP probe failed with statuscode: 503", bad.message());
    }
  }

  @Test
  void aRefusedConnectionFailsTheProbeWithTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var spec = PodStatusesTest.pod("port: %d".formatted(port));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> Prober.httpGet(spec, "127.0.0.1", Duration.ofSeconds(1)));
    assertTrue(e.getMessage().startsWith("Get \"http://127.0.0.1:" + port + "/\""), e.getMessage());
  }
}
