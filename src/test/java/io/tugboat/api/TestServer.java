package io.tugboat.api;

import akka.actor.typed.ActorSystem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tugboat.Main;
import io.tugboat.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A whole Tugboat node in this JVM ({@link Main#guardian()}) serving plain HTTP on a free port from a
 * temporary data directory, and a real HTTP client to drive it. Closing it stops the node and deletes the
 * directory unless it was handed in (so a test can restart on the same data).
 */
final class TestServer implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final int port;
  private final ActorSystem<Void> system;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private TestServer(Path dataDir, boolean ownsDataDir, int port, Map<String, Object> overrides) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.port = port;
    Map<String, Object> settings = new HashMap<>();
    settings.put("tugboat.data-dir", dataDir.toAbsolutePath().toString());
    settings.put("tugboat.api.port", port);
    settings.put("tugboat.api.tls-keystore", "");
    settings.put("tugboat.api.token-file", "");
    settings.put("akka.coordinated-shutdown.exit-jvm", "off");
    // No node agent by default: API tests decide which nodes exist (and pods stay unbound unless they add one).
    settings.put("tugboat.node.enabled", false);
    // No workload controllers either: API tests see Deployments and ReplicaSets exactly as they wrote them.
    settings.put("tugboat.workloads.enabled", false);
    settings.put("tugboat.cronjob.enabled", false);
    // Nor the autoscaler: HPAs keep the status the tests wrote, and their targets their replicas.
    settings.put("tugboat.hpa.enabled", false);
    // Nor the pod garbage collector: tests bind pods to nodes that do not exist.
    settings.put("tugboat.pod-gc.enabled", false);
    settings.put("akka.loglevel", "WARNING");
    settings.putAll(overrides);
    Config config = ConfigFactory.load(ConfigFactory.parseMap(settings)
        .withFallback(ConfigFactory.parseResourcesAnySyntax("application")));
    this.system = ActorSystem.create(Main.guardian(), "tugboat", config);
    try {
      awaitReady();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** A node on a fresh temporary data directory and a free port. */
  static TestServer start() {
    return start(Map.of());
  }

  /** A node on a fresh temporary data directory and a free port, with configuration overrides. */
  static TestServer start(Map<String, Object> overrides) {
    try {
      return new TestServer(Files.createTempDirectory("tugboat-test-"), true, freePort(), overrides);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node on a given data directory and port, which closing leaves in place (restart tests). */
  static TestServer startOn(Path dataDir, int port) {
    return new TestServer(dataDir, false, port, Map.of());
  }

  /** A port nobody listens on right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  /** The base URL clients are configured with. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  Path dataDir() {
    return dataDir;
  }

  /** The node's actor system (to reach its extensions, such as the fake container backend). */
  ActorSystem<Void> system() {
    return system;
  }

  private void awaitReady() {
    awaitTrue(START_TIMEOUT, "the server to become ready with the default namespace", () -> {
      try {
        return get("/readyz").code() == 200 && get("/api/v1/namespaces/default").code() == 200;
      } catch (UncheckedIOException e) {
        return false; // not listening yet
      }
    });
  }

  // ---- requests ----

  /** A response: status code, headers and body text. */
  record Reply(int code, String contentType, String body) {
    /** The body as JSON. */
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + code + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return code + " " + contentType + " " + body;
    }
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(REQUEST_TIMEOUT);
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Reply get(String path) {
    return send(request(path).GET().build());
  }

  Reply get(String path, String accept) {
    return send(request(path).header("Accept", accept).GET().build());
  }

  Reply post(String path, JsonNode body) {
    return send(path, "POST", "application/json", body.toString());
  }

  Reply put(String path, JsonNode body) {
    return send(path, "PUT", "application/json", body.toString());
  }

  Reply patch(String path, String contentType, String body) {
    return send(path, "PATCH", contentType, body);
  }

  Reply delete(String path) {
    return send(request(path).DELETE().build());
  }

  Reply send(String path, String method, String contentType, String body) {
    return send(request(path).header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** Creates an object and returns it, failing unless the server answers 201. */
  ObjectNode create(String collectionPath, JsonNode body) {
    Reply r = post(collectionPath, body);
    if (r.code() != 201) {
      throw new AssertionError("create at " + collectionPath + " failed: " + r);
    }
    return (ObjectNode) r.json();
  }

  /** Creates a namespace and returns its name. */
  String createNamespace(String name) {
    create("/api/v1/namespaces", Json.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace")
        .set("metadata", Json.MAPPER.createObjectNode().put("name", name)));
    return name;
  }

  // ---- watches ----

  /** Opens a watch; returns once the server has answered with headers (the watch is registered). */
  Watch watch(String pathAndQuery) {
    return watch(pathAndQuery, "application/json");
  }

  Watch watch(String pathAndQuery, String accept) {
    try {
      HttpResponse<InputStream> r = http.send(request(pathAndQuery).timeout(Duration.ofMinutes(5))
          .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      return new Watch(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A streaming watch response read line by line on a daemon thread. */
  static final class Watch implements AutoCloseable {
    private static final JsonNode END = Json.object().put("type", "<end of stream>");
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private Watch(HttpResponse<InputStream> response) {
      this.response = response;
      Thread reader = new Thread(this::read, "watch-reader");
      reader.setDaemon(true);
      reader.start();
    }

    int code() {
      return response.statusCode();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse("");
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            events.add(Json.MAPPER.readTree(line));
          }
        }
      } catch (IOException e) {
        // closed by us, or the server went away: either way the stream is over
      } finally {
        events.add(END);
      }
    }

    /** The next event, failing when none arrives within the timeout or the stream ended. */
    JsonNode next(Duration timeout) {
      JsonNode e = poll(timeout);
      if (e == null) {
        throw new AssertionError("no watch event within " + timeout);
      }
      return e;
    }

    JsonNode next() {
      return next(Duration.ofSeconds(10));
    }

    /** The next event, or null when the stream ended or none arrived within the timeout. */
    JsonNode poll(Duration timeout) {
      if (ended) {
        return null;
      }
      try {
        JsonNode e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == END) {
          ended = true;
          return null;
        }
        return e;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ex);
      }
    }

    /** Waits (bounded) until the server ends the stream, returning whatever events came before the end. */
    java.util.List<JsonNode> awaitEnd(Duration timeout) {
      Instant deadline = Instant.now().plus(timeout);
      java.util.List<JsonNode> rest = new java.util.ArrayList<>();
      while (!ended) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative()) {
          throw new AssertionError("the watch did not end within " + timeout + "; got " + rest);
        }
        JsonNode e = poll(left);
        if (e != null) {
          rest.add(e);
        }
      }
      return rest;
    }

    @Override
    public void close() {
      try {
        response.body().close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  // ---- waiting ----

  /** Polls a condition until it holds, failing after the timeout. */
  static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    long pause = 10;
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(pause); // polling interval, bounded by the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause = Math.min(pause * 2, 200);
    }
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not stop within 60 s", e);
    } finally {
      if (ownsDataDir) {
        deleteTree(dataDir);
      }
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
