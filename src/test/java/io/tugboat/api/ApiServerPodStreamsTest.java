package io.tugboat.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pods' log, exec, attach and port-forward through the API server, served by the node agent of node n1 (this
 * JVM's, on the fake runtime) found through the receptionist: logs as text (tail, timestamps, follow, previous),
 * exec, attach and port-forward over WebSocket with Kubernetes' channel framing, and the errors of pods without a
 * node or whose node has no agent. Log lines are written as a container's main process would, by an exec of
 * {@code sh -c 'echo TEXT > /proc/1/fd/1'}.
 */
class ApiServerPodStreamsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("tugboat.node.enabled", true, "tugboat.node.name", "n1",
        "tugboat.node.fake-runtime.start-delay", "0s", "tugboat.api.node-timeout", "1s"));
    ns = server.createNamespace("streams");
    pod("one", "n1", "app");
    pod("two", "n1", "a", "b");
    pod("three", "n1", "app");
    pod("unscheduled", "", "app");
    pod("ghost", "ghost", "app");
    for (String name : new String[] {"one", "two", "three"}) {
      TestServer.awaitTrue(Duration.ofSeconds(30), "pod " + name + " running on n1", () ->
          server.get(podPath(name)).json().path("status").path("phase").asText().equals("Running"));
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void pod(String name, String node, String... containers) {
    var spec = Json.object();
    if (!node.isEmpty()) {
      spec.put("nodeName", node);
    } else {
      spec.put("schedulerName", "nobody"); // stays unscheduled: the default scheduler leaves it alone
    }
    var list = spec.putArray("containers");
    for (String c : containers) {
      list.addObject().put("name", c).put("image", "busybox");
    }
    var pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name);
    pod.set("spec", spec);
    server.create("/api/v1/namespaces/" + ns + "/pods", pod);
  }

  private static String podPath(String name) {
    return "/api/v1/namespaces/" + ns + "/pods/" + name;
  }

  /** Writes a line to the container's log as its main process would, through an exec. */
  private static void appendLog(String pod, String container, String line) throws Exception {
    Channels ch = new Channels();
    open(podPath(pod) + "/exec?container=" + container + "&command=sh&command=-c&command="
        + java.net.URLEncoder.encode("echo " + line + " > /proc/1/fd/1", StandardCharsets.UTF_8) + "&stdout=true",
        "v5.channel.k8s.io", ch);
    assertEquals("{\"metadata\":{},\"status\":\"Success\"}", ch.next(3));
  }

  // ---- logs ----

  @Test
  void logsOfTheOnlyContainerAreItsLinesAsText() throws Exception {
    appendLog("one", "app", "first");
    appendLog("one", "app", "second");
    TestServer.Reply r = server.get(podPath("one") + "/log");
    assertEquals(200, r.code(), r.toString());
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    assertTrue(r.body().startsWith("first\nsecond\n"), r.body());
  }

  @Test
  void tailLinesKeepsTheLastLinesAndTimestampsPrefixThem() throws Exception {
    appendLog("two", "b", "x1");
    appendLog("two", "b", "x2");
    appendLog("two", "b", "x3");
    assertEquals("x2\nx3\n", server.get(podPath("two") + "/log?container=b&tailLines=2").body());
    String stamped = server.get(podPath("two") + "/log?container=b&tailLines=1&timestamps=true").body();
    String[] parts = stamped.strip().split(" ", 2);
    Instant.parse(parts[0]); // RFC 3339
    assertEquals("x3", parts[1]);
    assertEquals("x3", server.get(podPath("two") + "/log?container=b&tailLines=1&limitBytes=2").body());
  }

  @Test
  void followSeesLinesAppendedLater() throws Exception {
    appendLog("two", "a", "before");
    HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + podPath("two")
        + "/log?container=a&follow=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
          lines.add(l);
        }
      } catch (IOException e) {
        // closed below
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      assertEquals("before", lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      appendLog("two", "a", "after");
      assertEquals("after", lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    } finally {
      r.body().close();
    }
  }

  @Test
  void logsOfAPodWithSeveralContainersNeedTheContainerNamed() {
    TestServer.Reply r = server.get(podPath("two") + "/log");
    assertEquals(400, r.code());
    assertEquals("a container name must be specified for pod two, choose one of: [a b]",
        r.json().get("message").asText());
    TestServer.Reply unknown = server.get(podPath("one") + "/log?container=zzz");
    assertEquals(400, unknown.code());
    assertEquals("container zzz is not valid for pod one", unknown.json().get("message").asText());
  }

  @Test
  void logsRejectBadOptionsAndMissingPods() {
    assertEquals(404, server.get(podPath("nope") + "/log").code());
    TestServer.Reply both = server.get(podPath("one") + "/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z");
    assertEquals(422, both.code(), both.toString());
    assertEquals(422, server.get(podPath("one") + "/log?tailLines=-1").code());
    assertEquals("", server.get(podPath("unscheduled") + "/log").body());
  }

  @Test
  void previousLogsOfAContainerThatNeverRestartedAreABadRequest() {
    JsonNode s = assertStatus(server.get(podPath("one") + "/log?previous=true"), 400, "BadRequest");
    assertEquals("previous terminated container \"app\" in pod \"one\" not found", s.path("message").asText());
  }

  @Test
  void streamsOfAPodWhoseNodeHasNoAgentAreUnavailableNamingTheNode() {
    JsonNode s = assertStatus(server.get(podPath("ghost") + "/log"), 503, "ServiceUnavailable");
    assertTrue(s.path("message").asText().startsWith("node \"ghost\" "), s::toString);
    ExecutionException e = assertThrows(ExecutionException.class, () -> open(podPath("ghost")
        + "/exec?command=ls&stdout=true", "v5.channel.k8s.io", new Channels()));
    WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(503, refused.getResponse().statusCode());
  }

  // ---- exec over WebSocket ----

  /** A channel-framed WebSocket session: binary messages received, in order, and the close code. */
  private static final class Channels implements WebSocket.Listener {
    final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      partial.writeBytes(bytes);
      if (last) {
        messages.add(partial.toByteArray());
        partial.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }

    byte[] next() throws InterruptedException {
      byte[] m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) {
        throw new AssertionError("no message within " + WAIT);
      }
      return m;
    }

    /** The next message, which must be on {@code channel}; its data as text. */
    String next(int channel) throws InterruptedException {
      byte[] m = next();
      assertEquals(channel, m[0] & 0xff, "channel of " + new String(m, StandardCharsets.UTF_8));
      return new String(m, 1, m.length - 1, StandardCharsets.UTF_8);
    }
  }

  private static WebSocket open(String pathAndQuery, String protocol, Channels listener) throws Exception {
    return HTTP.newWebSocketBuilder().subprotocols(protocol)
        .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery), listener)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void execEchoSendsStdoutThenSuccessThenCloses() throws Exception {
    Channels ch = new Channels();
    WebSocket ws = open(podPath("one") + "/exec?command=echo&command=hi&stdout=true&stderr=true",
        "v5.channel.k8s.io", ch);
    assertEquals("v5.channel.k8s.io", ws.getSubprotocol());
    assertEquals("hi\n", ch.next(1));
    assertEquals("{\"metadata\":{},\"status\":\"Success\"}", ch.next(3));
    assertEquals(1000, ch.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Test
  void aNonZeroExitIsAFailureStatusWithTheExitCode() throws Exception {
    Channels ch = new Channels();
    open(podPath("two") + "/exec?container=a&command=sh&command=-c&command=exit%203&stdout=true",
        "v5.channel.k8s.io", ch);
    JsonNode status = Json.MAPPER.readTree(ch.next(3));
    assertEquals("Failure", status.get("status").asText());
    assertEquals("NonZeroExitCode", status.get("reason").asText());
    assertEquals("ExitCode", status.at("/details/causes/0/reason").asText());
    assertEquals("3", status.at("/details/causes/0/message").asText());
  }

  @Test
  void catCopiesStdinUntilTheV5CloseSignal() throws Exception {
    Channels ch = new Channels();
    WebSocket ws = open(podPath("one") + "/exec?command=cat&stdin=true&stdout=true&stderr=true&tty=true",
        "v5.channel.k8s.io", ch);
    ws.sendBinary(ByteBuffer.wrap(bytes(4, "{\"Width\":80,\"Height\":24}")), true).get();
    ws.sendBinary(ByteBuffer.wrap(bytes(0, "hello\n")), true).get();
    assertEquals("hello\n", ch.next(1));
    ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get();
    assertEquals("{\"metadata\":{},\"status\":\"Success\"}", ch.next(3));
    assertEquals(1000, ch.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    // The size reached the container (the fake's stty reports the last one its sessions were sent).
    TestServer.awaitTrue(WAIT, "the terminal size to reach the container", () -> {
      try {
        Channels stty = new Channels();
        open(podPath("one") + "/exec?command=stty&command=size&stdout=true", "v5.channel.k8s.io", stty);
        byte[] first = stty.next();
        return first[0] == 1 && new String(first, 1, first.length - 1, StandardCharsets.UTF_8).equals("24 80\n");
      } catch (Exception ex) {
        return false;
      }
    });
  }

  @Test
  void attachEchoesStdinThroughTheContainersOutputUntilStdinCloses() throws Exception {
    Channels ch = new Channels();
    WebSocket ws = open(podPath("three") + "/attach?stdin=true&stdout=true&stderr=true", "v5.channel.k8s.io", ch);
    ws.sendBinary(ByteBuffer.wrap(bytes(0, "typed\n")), true).get();
    assertEquals("typed\n", ch.next(1));
    ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get();
    assertEquals("{\"metadata\":{},\"status\":\"Success\"}", ch.next(3));
    assertEquals("typed\n", server.get(podPath("three") + "/log?tailLines=1").body());
  }

  @Test
  void execIsRefusedForAPodWithoutANode() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> open(podPath("unscheduled")
        + "/exec?command=ls&stdout=true", "v5.channel.k8s.io", new Channels()));
    WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(400, refused.getResponse().statusCode());
  }

  @Test
  void execWithoutAnUpgradeIsABadRequest() {
    TestServer.Reply r = server.get(podPath("one") + "/exec?command=ls&stdout=true");
    assertEquals(400, r.code());
    assertEquals("Upgrade request required", r.json().get("message").asText());
  }

  // ---- port-forward over WebSocket ----

  @Test
  void portForwardOpensEachChannelWithThePortAndCarriesData() throws Exception {
    Channels ch = new Channels();
    WebSocket ws = open(podPath("one") + "/portforward?ports=8080", "v4.channel.k8s.io", ch);
    byte[] port = {(byte) (8080 & 0xff), (byte) (8080 >> 8)};
    byte[] first = ch.next();
    byte[] second = ch.next();
    assertEquals(Arrays.toString(new byte[] {0, port[0], port[1]}), Arrays.toString(first));
    assertEquals(Arrays.toString(new byte[] {1, port[0], port[1]}), Arrays.toString(second));
    ws.sendBinary(ByteBuffer.wrap(bytes(0, "ping")), true).get();
    assertEquals("ping", ch.next(0));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static byte[] bytes(int channel, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[data.length + 1];
    out[0] = (byte) channel;
    System.arraycopy(data, 0, out, 1, data.length);
    return out;
  }
}
