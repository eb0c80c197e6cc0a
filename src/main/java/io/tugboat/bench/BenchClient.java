package io.tugboat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The benchmark's view of the API server: HTTP/1.1 over TLS trusting only the cluster's CA (a trust store
 * built in memory), every request with the bearer token. Blocking calls; the phases bring the concurrency.
 */
final class BenchClient {
  /** One answer: status code and body. */
  record Reply(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpClient http;
  private final URI server;
  private final String authorization;
  private final Duration timeout;

  private BenchClient(HttpClient http, URI server, String token, Duration timeout) {
    this.http = http;
    this.server = server;
    this.authorization = "Bearer " + token;
    this.timeout = timeout;
  }

  /** A client for {@code server}; {@code executor} runs the client's own I/O work. */
  static BenchClient create(URI server, Path tokenFile, Path caFile, Duration timeout, Executor executor)
      throws IOException, GeneralSecurityException {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor);
    if ("https".equals(server.getScheme())) {
      builder.sslContext(trusting(caFile));
    }
    return new BenchClient(builder.build(), server, readToken(tokenFile), timeout);
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  Reply post(String path, String json) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Reply mergePatch(String path, String json) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", "application/merge-patch+json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Reply delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE().build());
  }

  /** A watch (or any streamed answer) as lines, read as they arrive; the caller closes the stream. */
  HttpResponse<java.util.stream.Stream<String>> watchLines(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(server.resolve(path))
        .header("Authorization", authorization).header("Accept", "application/json").GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofLines());
  }

  URI server() {
    return server;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.resolve(path)).timeout(timeout)
        .header("Authorization", authorization).header("Accept", "application/json");
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.body());
  }

  private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + caFile);
    }
    int i = 0;
    for (Certificate c : certs) {
      trust.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  /**
   * The token: a file holding just the token, or a Kubernetes static token file (token,user,uid,"groups")
   * from which the admin line (else the first) is taken, so the launcher's pki/tokens.csv works as is.
   */
  static String readToken(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    if (lines.isEmpty()) {
      throw new IOException("no token in " + file);
    }
    String line = lines.stream().filter(l -> {
      String[] f = l.split(",");
      return f.length > 1 && f[1].strip().equals("admin");
    }).findFirst().orElse(lines.get(0));
    return line.split(",")[0].strip();
  }
}
