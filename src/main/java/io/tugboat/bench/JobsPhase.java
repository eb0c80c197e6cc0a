package io.tugboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs phase (issue 6, part 12): creates {@code --jobs} Jobs of {@code --job-completions} completions,
 * {@code --job-parallelism} at a time, from up to 8 clients at once, whose pods exit 0 as soon as they run (the fake
 * runtime's {@code exit 0}; so run it on hollow nodes: {@code scripts/tugboat up --hollow N --runtime fake}), and
 * measures the time from the first create to the last Job Complete, finished pods per second over that time, and
 * per Job its create-to-Complete time (accurate to the polling interval). Deletes the Jobs and their pods after.
 */
final class JobsPhase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 100;
  /** The project's target for 100 Jobs of 10 completions: the issue names none; this is the Deployment's 10 s x2. */
  static final double ALL_COMPLETE_S = 20;

  private final BenchClient client;
  private final Bench.Options opts;
  private final Report report;

  JobsPhase(BenchClient client, Bench.Options opts, Report report) {
    this.client = client;
    this.opts = opts;
    this.report = report;
  }

  void run() throws IOException, InterruptedException {
    int jobs = opts.jobs();
    int completions = opts.jobCompletions();
    int parallelism = opts.jobParallelism();
    String collection = "/apis/batch/v1/namespaces/" + opts.namespace() + "/jobs";
    Map<String, Long> createdAt = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    StringBuffer firstError = new StringBuffer();
    // At most 8 creating clients: 32 at once (the ConfigMap phases' default) time out in the store on 2 cores
    // while the Jobs' first pods are being written, which would measure the store's queue, not the controller.
    int clients = Math.min(Math.min(opts.clients(), 8), jobs);
    CountDownLatch done = new CountDownLatch(clients);
    long start = System.nanoTime();
    for (int t = 0; t < clients; t++) {
      Thread thread = new Thread(() -> {
        try {
          for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
            String name = String.format(Locale.ROOT, "bench-job-%04d", i);
            String body = "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"completions\":" + completions + ",\"parallelism\":" + parallelism + ","
                + "\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"terminationGracePeriodSeconds\":0,"
                + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"command\":[\"sh\",\"-c\",\"exit 0\"],"
                + "\"resources\":{\"requests\":{\"cpu\":\"1m\",\"memory\":\"4Mi\"}}}]}}}}";
            long sent = System.nanoTime();
            BenchClient.Reply r = client.post(collection, body);
            if (r.status() == 201) {
              createdAt.put(name, sent);
            } else if (errors.getAndIncrement() == 0) {
              firstError.append("HTTP ").append(r.status()).append(' ').append(r.text().replaceAll("\\s+", " "));
            }
          }
        } catch (Exception e) {
          if (errors.getAndIncrement() == 0) {
            firstError.append(e);
          }
        } finally {
          done.countDown();
        }
      }, "bench-jobs-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    Latencies latencies = new Latencies();
    Map<String, Long> completeAt = new HashMap<>();
    long deadline = System.nanoTime() + opts.timeout().toNanos() * 10;
    long last = start;
    int failedJobs = 0;
    while (System.nanoTime() < deadline) {
      BenchClient.Reply r = client.get(collection);
      long now = System.nanoTime();
      if (r.status() == 200) {
        failedJobs = 0;
        for (JsonNode job : JSON.readTree(r.body()).path("items")) {
          String name = job.path("metadata").path("name").asText();
          for (JsonNode c : job.path("status").path("conditions")) {
            boolean isTrue = "True".equals(c.path("status").asText());
            if (isTrue && "Complete".equals(c.path("type").asText()) && !completeAt.containsKey(name)
                && createdAt.containsKey(name)) {
              completeAt.put(name, now);
              latencies.add(now - createdAt.get(name));
              last = now;
            } else if (isTrue && "Failed".equals(c.path("type").asText())) {
              failedJobs++;
            }
          }
        }
      }
      if (done.getCount() == 0 && completeAt.size() + failedJobs >= createdAt.size()) {
        break;
      }
      Thread.sleep(POLL_MILLIS); // polling the jobs' status, bounded by the deadline
    }
    double seconds = (last - start) / 1e9;
    int pods = completeAt.size() * completions;
    Latencies.Summary s = latencies.summary();
    report.row("jobs", "jobs x completions / parallelism", jobs + " x " + completions + " / " + parallelism);
    report.row("jobs", "Complete / Failed / create errors", completeAt.size() + " / " + failedJobs + " / "
        + errors.get() + (completeAt.size() + failedJobs < jobs ? " (timed out waiting for the rest)" : ""));
    report.row("jobs", "first create to all Complete", seconds, "s", ALL_COMPLETE_S, false);
    report.row("jobs", "pods completed per second", Report.fmt(pods / seconds) + " pods/s");
    report.row("jobs", "create to Complete p50", Report.fmt(s.millis(0.50)) + " ms");
    report.row("jobs", "create to Complete p99", Report.fmt(s.millis(0.99)) + " ms");
    report.row("jobs", "create to Complete max", Report.fmt(s.maxMillis()) + " ms");
    if (errors.get() > 0) {
      report.row("jobs", "first create error", firstError.length() > 200 ? firstError.substring(0, 200) + "..."
          : firstError.toString());
    }
    for (String name : createdAt.keySet()) {
      client.delete(collection + "/" + name + "?propagationPolicy=Background");
    }
  }
}
