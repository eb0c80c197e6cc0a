package io.tugboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The deployment phase (issue 6's benchmark): a Deployment of {@code --deployment-replicas} pods (default 1,000)
 * from create to Available, then a rolling update of it with maxSurge and maxUnavailable 10%, timed to the end,
 * with the invariant checked on every pod event the watch delivers: never fewer than replicas − maxUnavailable
 * ready pods, never more than replicas + maxSurge active ones. Pods land on whatever nodes the cluster has (run it
 * against {@code scripts/tugboat up --hollow 20} or more: 1,000 pods need the room). The Deployment is deleted
 * at the end.
 */
final class DeploymentPhase {
  // The targets (docs/BENCHMARKS.md).
  static final double AVAILABLE_S = 10;
  static final double ROLLOUT_S = 60;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "bench-web";

  private final BenchClient client;
  private final Bench.Options opts;
  private final Report report;

  DeploymentPhase(BenchClient client, Bench.Options opts, Report report) {
    this.client = client;
    this.opts = opts;
    this.report = report;
  }

  /**
   * Active (not finished, not being deleted) and ready pods of a watch, counted after every event, with the
   * extremes seen since {@link #startWindow}.
   */
  static final class PodCounts {
    private final Map<String, Boolean> readyByActivePod = new HashMap<>();
    private int ready;
    private boolean window;
    private int minReady = Integer.MAX_VALUE;
    private int maxActive;

    /** One watch event: ADDED, MODIFIED or DELETED with the pod. */
    synchronized void apply(String type, JsonNode pod) {
      String name = pod.path("metadata").path("name").asText();
      Boolean before = readyByActivePod.remove(name);
      if (Boolean.TRUE.equals(before)) {
        ready--;
      }
      String phase = pod.path("status").path("phase").asText();
      boolean active = !type.equals("DELETED") && !pod.path("metadata").has("deletionTimestamp")
          && !phase.equals("Succeeded") && !phase.equals("Failed");
      if (active) {
        boolean isReady = false;
        for (JsonNode c : pod.path("status").path("conditions")) {
          isReady |= c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True");
        }
        readyByActivePod.put(name, isReady);
        if (isReady) {
          ready++;
        }
      }
      if (window) {
        minReady = Math.min(minReady, ready);
        maxActive = Math.max(maxActive, readyByActivePod.size());
      }
    }

    /** From now on, record the lowest ready and highest active counts (starting with the current ones). */
    synchronized void startWindow() {
      window = true;
      minReady = ready;
      maxActive = readyByActivePod.size();
    }

    synchronized int active() {
      return readyByActivePod.size();
    }

    synchronized int ready() {
      return ready;
    }

    synchronized int minReady() {
      return minReady;
    }

    synchronized int maxActive() {
      return maxActive;
    }
  }

  void run() throws IOException, InterruptedException {
    int replicas = opts.deploymentReplicas();
    int tenPercent = (int) Math.ceil(replicas * 0.10);
    String ns = "/apis/apps/v1/namespaces/" + opts.namespace() + "/deployments";
    PodCounts counts = new PodCounts();
    HttpResponse<Stream<String>> watch = client.watchLines("/api/v1/namespaces/" + opts.namespace()
        + "/pods?watch=1&labelSelector=app%3D" + NAME);
    if (watch.statusCode() != 200) {
      throw new IOException("watching pods: HTTP " + watch.statusCode());
    }
    Thread reader = new Thread(() -> {
      try {
        watch.body().forEach(line -> {
          try {
            JsonNode event = JSON.readTree(line);
            counts.apply(event.path("type").asText(), event.path("object"));
          } catch (IOException e) {
            // not an event: nothing to count
          }
        });
      } catch (java.io.UncheckedIOException e) {
        // closed at the end of the phase
      }
    }, "bench-deployment-watch");
    reader.setDaemon(true);
    reader.start();
    try {
      String body = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + NAME + "\"},"
          + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + NAME + "\"}},"
          + "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"10%\","
          + "\"maxUnavailable\":\"10%\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + NAME + "\"}},"
          + "\"spec\":{\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.14\","
          + "\"resources\":{\"requests\":{\"cpu\":\"1m\",\"memory\":\"1Mi\"}}}]}}}}";
      long start = System.nanoTime();
      BenchClient.Reply created = client.post(ns, body);
      if (created.status() != 201) {
        throw new IOException("creating the Deployment: HTTP " + created.status() + " " + created.text());
      }
      boolean available = awaitComplete(ns + "/" + NAME, 1, replicas);
      double availableS = (System.nanoTime() - start) / 1e9;
      report.row("deployment", "replicas", Report.fmt(replicas));
      report.row("deployment", "create to Available (all " + replicas + ")" + (available ? "" : " (timed out)"),
          availableS, "s", AVAILABLE_S, false);

      counts.startWindow();
      long rollStart = System.nanoTime();
      BenchClient.Reply patched = client.mergePatch(ns + "/" + NAME,
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.16\"}]}}}}");
      if (patched.status() != 200) {
        throw new IOException("updating the image: HTTP " + patched.status() + " " + patched.text());
      }
      boolean rolled = awaitComplete(ns + "/" + NAME, 2, replicas);
      double rolloutS = (System.nanoTime() - rollStart) / 1e9;
      report.row("deployment", "rolling update 10%/10% to complete" + (rolled ? "" : " (timed out)"), rolloutS, "s",
          ROLLOUT_S, false);
      report.row("deployment", "lowest ready pods during the rollout", counts.minReady(), "pods",
          replicas - tenPercent, true);
      report.row("deployment", "highest active pods during the rollout", counts.maxActive(), "pods",
          replicas + tenPercent, false);
    } finally {
      client.delete(ns + "/" + NAME);
      watch.body().close();
    }
  }

  /**
   * Polls the Deployment every 100 ms until the controller has seen {@code generation} and every replica is
   * updated and available with no old ones left, or the phase's time runs out (10 × the request timeout).
   */
  private boolean awaitComplete(String path, long generation, int replicas) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + opts.timeout().toNanos() * 10;
    while (System.nanoTime() < deadline) {
      BenchClient.Reply r = client.get(path);
      if (r.status() == 200) {
        JsonNode status = JSON.readTree(r.body()).path("status");
        if (status.path("observedGeneration").asLong() >= generation
            && status.path("updatedReplicas").asInt() == replicas
            && status.path("availableReplicas").asInt() == replicas
            && status.path("replicas").asInt() == replicas) {
          return true;
        }
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling the status, as kubectl rollout status's watch would see it
    }
    return false;
  }
}
