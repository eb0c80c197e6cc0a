package io.tugboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured phases against one namespace: creates (concurrent POSTs of ConfigMaps), gets (concurrent GETs
 * of random existing ones for a while) and list (the whole namespace, one request at a time). Each adds its
 * figures, against the project's targets, to the report.
 */
final class Phases {
  // The project's targets (docs/BENCHMARKS.md).
  static final double CREATES_PER_S = 2000;
  static final double CREATE_P99_MS = 50;
  static final double GET_P99_MS = 5;
  static final double LIST_MS = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchClient client;
  private final Bench.Options opts;
  private final Report report;
  /** Names of the ConfigMaps known to exist in the namespace. */
  private List<String> names = List.of();

  Phases(BenchClient client, Bench.Options opts, Report report) {
    this.client = client;
    this.opts = opts;
    this.report = report;
  }

  private String collection() {
    return "/api/v1/namespaces/" + opts.namespace() + "/configmaps";
  }

  /** Creates the namespace (fresh: an existing one is an error, so figures never mix runs). */
  void createNamespace() throws IOException, InterruptedException {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + opts.namespace()
        + "\",\"labels\":{\"tugboat.io/bench\":\"true\"}}}";
    BenchClient.Reply r = client.post("/api/v1/namespaces", body);
    if (r.status() != 201) {
      throw new IOException("creating namespace " + opts.namespace() + ": HTTP " + r.status() + " " + r.text());
    }
  }

  void creates() throws InterruptedException {
    int total = opts.count();
    AtomicInteger next = new AtomicInteger();
    ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong firstError = new AtomicLong(-1);
    StringBuffer firstErrorText = new StringBuffer();
    List<Latencies> perThread = new ArrayList<>();
    long start = System.nanoTime();
    runThreads(opts.clients(), perThread, lat -> {
      for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
        String name = String.format(Locale.ROOT, "bench-cm-%06d", i);
        // A payload of its own per object, so the journal's block compression cannot fold them together.
        String payload = payload(opts.dataBytes(), new SplittableRandom(opts.seed() * 1_000_003L + i));
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
            + "\"},\"data\":{\"payload\":\"" + payload + "\"}}";
        long t0 = System.nanoTime();
        BenchClient.Reply r = client.post(collection(), body);
        long took = System.nanoTime() - t0;
        if (r.status() == 201) {
          lat.add(took);
          created.add(name);
        } else {
          errors.incrementAndGet();
          if (firstError.compareAndSet(-1, i)) {
            firstErrorText.append("HTTP ").append(r.status()).append(' ').append(abbrev(r.text()));
          }
        }
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    names = new ArrayList<>(created);
    Latencies all = merge(perThread);
    Latencies.Summary s = all.summary();
    double rate = all.count() / seconds;
    report.row("creates", "created / errors", Report.fmt(all.count()) + " / " + errors.get());
    report.row("creates", "wall time", Report.fmt(seconds) + " s");
    report.row("creates", "throughput", rate, "creates/s", CREATES_PER_S, true);
    report.row("creates", "p50", Report.fmt(s.millis(0.50)) + " ms");
    report.row("creates", "p90", Report.fmt(s.millis(0.90)) + " ms");
    report.row("creates", "p99", s.millis(0.99), "ms", CREATE_P99_MS, false);
    report.row("creates", "max", Report.fmt(s.maxMillis()) + " ms");
    if (errors.get() > 0) {
      report.row("creates", "first error", firstErrorText.toString());
    }
  }

  void gets() throws IOException, InterruptedException {
    if (names.isEmpty()) {
      names = listNames();
    }
    if (names.isEmpty()) {
      throw new IOException("no ConfigMaps in namespace " + opts.namespace() + " to get; run the creates phase");
    }
    List<String> pool = names;
    long deadline = System.nanoTime() + (long) (opts.getSeconds() * 1e9);
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger seeds = new AtomicInteger();
    List<Latencies> perThread = new ArrayList<>();
    long start = System.nanoTime();
    runThreads(opts.clients(), perThread, lat -> {
      SplittableRandom random = new SplittableRandom(opts.seed() * 31 + seeds.incrementAndGet());
      while (System.nanoTime() < deadline) {
        String path = collection() + "/" + pool.get(random.nextInt(pool.size()));
        long t0 = System.nanoTime();
        BenchClient.Reply r = client.get(path);
        long took = System.nanoTime() - t0;
        if (r.status() == 200) {
          lat.add(took);
        } else {
          errors.incrementAndGet();
        }
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    Latencies all = merge(perThread);
    Latencies.Summary s = all.summary();
    report.row("gets", "gets / errors", Report.fmt(all.count()) + " / " + errors.get());
    report.row("gets", "throughput", Report.fmt(all.count() / seconds) + " gets/s");
    report.row("gets", "p50", Report.fmt(s.millis(0.50)) + " ms");
    report.row("gets", "p99", s.millis(0.99), "ms", GET_P99_MS, false);
    report.row("gets", "max", Report.fmt(s.maxMillis()) + " ms");
  }

  void list() throws IOException, InterruptedException {
    Latencies lat = new Latencies();
    long bytes = 0;
    int items = -1;
    for (int i = 0; i < opts.listTimes(); i++) {
      long t0 = System.nanoTime();
      BenchClient.Reply r = client.get(collection());
      long took = System.nanoTime() - t0;
      if (r.status() != 200) {
        throw new IOException("list " + collection() + ": HTTP " + r.status() + " " + abbrev(r.text()));
      }
      lat.add(took);
      bytes = r.body().length;
      if (items < 0) {
        items = JSON.readTree(r.body()).path("items").size();
      }
    }
    Latencies.Summary s = lat.summary();
    report.row("list", "items / response", Report.fmt(items) + " objects / " + Report.fmt(bytes / 1024.0 / 1024.0) + " MiB");
    report.row("list", "p50", Report.fmt(s.millis(0.50)) + " ms");
    report.row("list", "p99", s.millis(0.99), "ms", LIST_MS, false);
    report.row("list", "max", Report.fmt(s.maxMillis()) + " ms");
  }

  private List<String> listNames() throws IOException, InterruptedException {
    BenchClient.Reply r = client.get(collection());
    if (r.status() != 200) {
      throw new IOException("list " + collection() + ": HTTP " + r.status() + " " + abbrev(r.text()));
    }
    List<String> found = new ArrayList<>();
    for (JsonNode item : JSON.readTree(r.body()).path("items")) {
      found.add(item.path("metadata").path("name").asText());
    }
    return found;
  }

  /** The work of one client thread, given its own latency list. */
  private interface Work {
    void run(Latencies lat) throws Exception;
  }

  /** Runs {@code n} client threads to completion; the first failure of any is rethrown. */
  private static void runThreads(int n, List<Latencies> perThread, Work work) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(n);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    for (int t = 0; t < n; t++) {
      Latencies lat = new Latencies();
      perThread.add(lat);
      Thread thread = new Thread(() -> {
        try {
          work.run(lat);
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          done.countDown();
        }
      }, "bench-client-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    done.await();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a client failed: " + failures.peek(), failures.peek());
    }
  }

  private static Latencies merge(List<Latencies> parts) {
    Latencies all = new Latencies();
    parts.forEach(all::addAll);
    return all;
  }

  /** {@code bytes} characters of random letters and digits: incompressible enough, valid in JSON as is. */
  static String payload(int bytes, SplittableRandom random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder sb = new StringBuilder(bytes);
    for (int i = 0; i < bytes; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String abbrev(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }
}
