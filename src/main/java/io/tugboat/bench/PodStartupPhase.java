package io.tugboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The startup phase: pod startup latency as Kubernetes' SLO defines it, from a pod's create to the moment a watch
 * sees it Running, with the node agent running real containers. Creates {@code --startup-pods} pods (busybox
 * sleeping) at a steady {@code --startup-rate} per second from one client, watches the namespace from before the
 * first create, and reports p50/p99/max against the target p99 of 500 ms (the SLO's anchor: 5 s). The pods stay
 * (the launcher measures the agent's heap with them running, then deletes the namespace).
 */
final class PodStartupPhase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchClient client;
  private final Bench.Options opts;
  private final Report report;

  PodStartupPhase(BenchClient client, Bench.Options opts, Report report) {
    this.client = client;
    this.opts = opts;
    this.report = report;
  }

  void run() throws IOException, InterruptedException {
    int pods = opts.startupPods();
    String collection = "/api/v1/namespaces/" + opts.namespace() + "/pods";
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, Long> runningAt = new ConcurrentHashMap<>();
    CountDownLatch allRunning = new CountDownLatch(pods);
    HttpResponse<Stream<String>> watch = client.watchLines(collection + "?watch=1&allowWatchBookmarks=false");
    if (watch.statusCode() != 200) {
      throw new IOException("watching " + collection + ": HTTP " + watch.statusCode());
    }
    Thread reader = new Thread(() -> readEvents(watch, line -> {
      long now = System.nanoTime();
      try {
        JsonNode pod = JSON.readTree(line).path("object");
        String name = pod.path("metadata").path("name").asText();
        if ("Running".equals(pod.path("status").path("phase").asText())
            && runningAt.putIfAbsent(name, now) == null) {
          allRunning.countDown();
        }
      } catch (IOException e) {
        // a line that is not an event (never sent by the server): nothing to time
      }
    }), "bench-startup-watch");
    reader.setDaemon(true);
    reader.start();

    long intervalNanos = (long) (1e9 / opts.startupRate());
    long start = System.nanoTime();
    int errors = 0;
    for (int i = 0; i < pods; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the creates at the configured rate
      }
      String name = String.format(Locale.ROOT, "startup-%04d", i);
      String body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
          + "\"spec\":{\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
          + "\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"sleep\",\"3600\"],"
          + "\"resources\":{\"requests\":{\"cpu\":\"1m\",\"memory\":\"4Mi\"}}}]}}";
      long sent = System.nanoTime();
      BenchClient.Reply r = client.post(collection, body);
      if (r.status() == 201) {
        createdAt.put(name, sent);
      } else {
        errors++;
        allRunning.countDown();
      }
    }
    boolean done = allRunning.await(opts.timeout().toSeconds() * 2, TimeUnit.SECONDS);
    Latencies latencies = new Latencies();
    createdAt.forEach((name, sent) -> {
      Long running = runningAt.get(name);
      if (running != null) {
        latencies.add(Math.max(0, running - sent));
      }
    });
    watch.body().close();
    Latencies.Summary s = latencies.summary();
    report.row("startup", "pods / rate", Report.fmt(pods) + " at " + Report.fmt(opts.startupRate()) + "/s");
    report.row("startup", "Running / create errors", runningAt.size() + " / " + errors
        + (done ? "" : " (timed out waiting for the rest)"));
    report.row("startup", "create to Running p50", s.millis(0.50), "ms", 500, false);
    report.row("startup", "create to Running p99", s.millis(0.99), "ms", 500, false);
    report.row("startup", "create to Running max", Report.fmt(s.millis(1.0)) + " ms");
  }

  /** Hands each line of the watch to {@code onLine} until the stream ends or is closed (by this phase). */
  private static void readEvents(HttpResponse<Stream<String>> watch, java.util.function.Consumer<String> onLine) {
    try {
      watch.body().forEach(onLine);
    } catch (java.io.UncheckedIOException e) {
      // closed once the phase has what it waited for
    }
  }
}
