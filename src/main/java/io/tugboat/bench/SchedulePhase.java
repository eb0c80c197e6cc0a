package io.tugboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The schedule phase: registers hollow Node objects (Ready, with allocatable, no agent behind them), creates
 * pods in the bench namespace from many clients at once, and measures how fast the scheduler binds them all:
 * throughput from the first create to the last binding, and per pod the time from its create's answer to the
 * first list that shows it bound (so latencies are accurate to the polling interval). Removes the nodes at the end.
 */
final class SchedulePhase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_NANOS = 50_000_000L;

  private final BenchClient client;
  private final Bench.Options opts;
  private final Report report;

  SchedulePhase(BenchClient client, Bench.Options opts, Report report) {
    this.client = client;
    this.opts = opts;
    this.report = report;
  }

  void run() throws IOException, InterruptedException {
    int nodes = opts.nodes();
    int pods = opts.pods();
    String prefix = opts.namespace() + "-node-";
    for (int i = 0; i < nodes; i++) {
      createNode(prefix + i);
    }
    String collection = "/api/v1/namespaces/" + opts.namespace() + "/pods";
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(opts.clients());
    long start = System.nanoTime();
    for (int t = 0; t < opts.clients(); t++) {
      Thread thread = new Thread(() -> {
        try {
          for (int i = next.getAndIncrement(); i < pods; i = next.getAndIncrement()) {
            String name = String.format(Locale.ROOT, "bench-pod-%06d", i);
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"resources\":{\"requests\":"
                + "{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}";
            BenchClient.Reply r = client.post(collection, body);
            if (r.status() == 201) {
              createdAt.put(name, System.nanoTime());
            } else {
              errors.incrementAndGet();
            }
          }
        } catch (Exception e) {
          errors.incrementAndGet();
        } finally {
          done.countDown();
        }
      }, "bench-schedule-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    Latencies latencies = new Latencies();
    Map<String, Boolean> bound = new HashMap<>();
    long deadline = System.nanoTime() + opts.timeout().toNanos() * 5;
    long lastBound = start;
    while (System.nanoTime() < deadline) {
      boolean creating = done.getCount() > 0;
      BenchClient.Reply r = client.get(collection);
      long now = System.nanoTime();
      if (r.status() == 200) {
        for (JsonNode pod : JSON.readTree(r.body()).path("items")) {
          String name = pod.path("metadata").path("name").asText();
          Long created = createdAt.get(name);
          if (created != null && !pod.path("spec").path("nodeName").asText("").isEmpty()
              && bound.putIfAbsent(name, true) == null) {
            latencies.add(Math.max(0, now - created));
            lastBound = now;
          }
        }
      }
      if (!creating && bound.size() >= createdAt.size()) {
        break;
      }
      Thread.sleep(POLL_NANOS / 1_000_000); // the client polls; the scheduler itself is not timed by this
    }
    double seconds = (lastBound - start) / 1e9;
    Latencies.Summary s = latencies.summary();
    report.row("schedule", "nodes / pods", Report.fmt(nodes) + " / " + Report.fmt(pods));
    report.row("schedule", "bound / create errors", Report.fmt(bound.size()) + " / " + errors.get());
    // No target yet: each pod is three writes (create, binding, Scheduled event), so this follows the store.
    report.row("schedule", "throughput", Report.fmt(bound.size() / Math.max(seconds, 1e-9)) + " pods/s");
    report.row("schedule", "create to bound p50", Report.fmt(s.millis(0.50)) + " ms (±50)");
    report.row("schedule", "create to bound p99", Report.fmt(s.millis(0.99)) + " ms (±50)");
    for (int i = 0; i < nodes; i++) {
      client.delete("/api/v1/nodes/" + prefix + i);
    }
  }

  private void createNode(String name) throws IOException, InterruptedException {
    BenchClient.Reply r = client.post("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":"
        + "{\"name\":\"" + name + "\",\"labels\":{\"tugboat.io/bench\":\"true\"}}}");
    if (r.status() != 201) {
      throw new IOException("creating node " + name + ": HTTP " + r.status() + " " + r.text());
    }
    String status = "{\"status\":{\"capacity\":{\"cpu\":\"64\",\"memory\":\"256Gi\",\"pods\":\"110\"},"
        + "\"allocatable\":{\"cpu\":\"64\",\"memory\":\"256Gi\",\"pods\":\"110\"},"
        + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\"}]}}";
    r = client.mergePatch("/api/v1/nodes/" + name + "/status", status);
    if (r.status() != 200) {
      throw new IOException("reporting status of node " + name + ": HTTP " + r.status() + " " + r.text());
    }
  }
}
