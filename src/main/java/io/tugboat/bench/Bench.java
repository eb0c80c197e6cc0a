package io.tugboat.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmark command: drives a running server over its HTTPS API and reports throughput and latency
 * against the project's targets. Not a test: it measures, it does not assert. The launcher's
 * {@code scripts/tugboat bench} runs it and adds the figures only it can take (heap after a full GC,
 * time to serve again after a restart), then prints one table with {@code --report}.
 */
public final class Bench {
  /** The settings of a run. */
  record Options(URI server, Path tokenFile, Path caFile, String namespace, Set<String> phases, int count,
      int clients, int dataBytes, double getSeconds, int listTimes, long seed, Duration timeout, Path markdown,
      Path results, Path report, Map<String, String> facts, int nodes, int pods, int startupPods,
      double startupRate, int deploymentReplicas, int jobs, int jobCompletions, int jobParallelism) {}

  static final Set<String> PHASES = Set.of("creates", "gets", "list", "schedule", "startup", "deployment", "jobs");
  private static final List<String> ORDER = List.of("creates", "gets", "list", "schedule", "startup",
      "deployment", "jobs");

  private static final String USAGE = """
      usage: java -cp tugboat.jar io.tugboat.bench.Bench --server URL --token-file F --ca-file F [options]
             java -cp tugboat.jar io.tugboat.bench.Bench --report RESULTS [--markdown FILE]

        --server URL          API server, e.g. https://127.0.0.1:6443
        --token-file F        bearer token: a file with the token, or a static token file (tokens.csv)
        --ca-file F           PEM certificate(s) to trust for TLS
        --phases LIST         comma-separated, of creates,gets,list,schedule,startup,deployment
                              (default: creates,gets,list);
                              none only records the facts
        --namespace NS        namespace to use; creates makes it and it must not exist (default bench-EPOCH)
        --count N             ConfigMaps to create (default 10000)
        --clients N           concurrent clients for creates and gets (default 32)
        --data-bytes N        size of each ConfigMap's data (default 1024)
        --get-seconds S       how long the gets phase runs (default 10)
        --list-times N        lists of the namespace (default 20)
        --nodes N             hollow nodes the schedule phase registers (default 100)
        --pods N              pods the schedule phase creates and waits to see bound (default 1000)
        --startup-pods N      pods the startup phase creates on real nodes (default 200)
        --startup-rate R      pods per second the startup phase creates (default 20)
        --deployment-replicas N  replicas of the deployment phase's Deployment (default 1000)
        --jobs N              Jobs the jobs phase creates (default 100); their pods exit at once on hollow nodes
        --job-completions N   completions of each Job (default 10)
        --job-parallelism N   parallelism of each Job (default 10)
        --seed N              seed for payloads and the gets' choice of objects (default 1)
        --timeout-seconds S   per-request timeout (default 60)
        --fact NAME=VALUE     an extra fact for the report (repeatable)
        --results FILE        append facts and figures to FILE (tab-separated)
        --report FILE         print the table of a results file instead of running phases
        --markdown FILE       also write the table as Markdown
      """;

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Options opts;
    try {
      opts = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (opts.report() != null) {
      Report report = Report.readFrom(opts.report());
      System.out.print(report.plain());
      if (opts.markdown() != null) {
        Files.writeString(opts.markdown(), report.markdown());
      }
      return;
    }
    System.exit(run(opts));
  }

  static int run(Options opts) throws Exception {
    Report report = new Report();
    report.machineFacts("start");
    report.fact("server", opts.server().toString());
    report.fact("namespace", opts.namespace());
    report.fact("Java phases", opts.phases().isEmpty() ? "none" : String.join(",", ordered(opts.phases())));
    report.fact("settings", opts.count() + " ConfigMaps of " + opts.dataBytes() + " B data, " + opts.clients()
        + " clients, gets for " + opts.getSeconds() + " s, " + opts.listTimes() + " lists, HTTP/1.1 + TLS");
    opts.facts().forEach(report::fact);
    ExecutorService io = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bench-http");
      t.setDaemon(true);
      return t;
    });
    int status = 0;
    try {
      BenchClient client = BenchClient.create(opts.server(), opts.tokenFile(), opts.caFile(), opts.timeout(), io);
      Phases phases = new Phases(client, opts, report);
      boolean namespaceMade = false;
      for (String phase : ordered(opts.phases())) {
        System.err.println("bench: " + phase + " (load " + Report.loadAverage() + ") ...");
        if (!namespaceMade && !phase.equals("gets") && !phase.equals("list")) {
          phases.createNamespace(); // fresh for the run: figures never mix runs
          namespaceMade = true;
        }
        switch (phase) {
          case "creates" -> phases.creates();
          case "gets" -> phases.gets();
          case "list" -> phases.list();
          case "schedule" -> new SchedulePhase(client, opts, report).run();
          case "startup" -> new PodStartupPhase(client, opts, report).run();
          case "deployment" -> new DeploymentPhase(client, opts, report).run();
          case "jobs" -> new JobsPhase(client, opts, report).run();
          default -> throw new IllegalStateException(phase);
        }
      }
    } catch (Exception e) {
      System.err.println("bench: failed: " + e);
      report.row("error", "run stopped", String.valueOf(e.getMessage()));
      status = 1;
    } finally {
      io.shutdownNow();
    }
    report.machineFacts("end");
    System.out.print(report.plain());
    if (opts.markdown() != null) {
      Files.writeString(opts.markdown(), report.markdown());
    }
    if (opts.results() != null) {
      report.appendTo(opts.results());
    }
    return status;
  }

  private static List<String> ordered(Set<String> phases) {
    return ORDER.stream().filter(phases::contains).toList();
  }

  static Options parse(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    Map<String, String> facts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0 && !key.startsWith("fact")) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        value = args[++i];
      }
      if (key.equals("fact")) {
        int at = value.indexOf('=');
        if (at <= 0) {
          throw new IllegalArgumentException("--fact needs NAME=VALUE, not '" + value + "'");
        }
        facts.put(value.substring(0, at), value.substring(at + 1));
      } else {
        o.put(key, value);
      }
    }
    Set<String> known = Set.of("server", "token-file", "ca-file", "phases", "namespace", "count", "clients",
        "data-bytes", "get-seconds", "list-times", "seed", "timeout-seconds", "results", "report", "markdown", "nodes",
        "pods", "startup-pods", "startup-rate", "deployment-replicas", "jobs", "job-completions", "job-parallelism");
    for (String k : o.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    Path markdown = o.containsKey("markdown") ? Path.of(o.get("markdown")) : null;
    if (o.containsKey("report")) {
      return new Options(null, null, null, null, Set.of(), 0, 0, 0, 0, 0, 0, null, markdown, null,
          Path.of(o.get("report")), facts, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    for (String required : List.of("server", "token-file", "ca-file")) {
      if (!o.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    List<String> phases = new ArrayList<>();
    for (String p : o.getOrDefault("phases", "creates,gets,list").split(",")) {
      if (p.strip().equals("none")) {
        continue;
      }
      if (!PHASES.contains(p.strip())) {
        throw new IllegalArgumentException(
            "unknown phase '" + p + "'; phases are creates, gets, list, schedule, startup, deployment, jobs");
      }
      phases.add(p.strip());
    }
    return new Options(URI.create(o.get("server")), Path.of(o.get("token-file")), Path.of(o.get("ca-file")),
        o.getOrDefault("namespace", "bench-" + System.currentTimeMillis() / 1000), Set.copyOf(phases),
        positive(o, "count", 10_000), positive(o, "clients", 32), positive(o, "data-bytes", 1024),
        Double.parseDouble(o.getOrDefault("get-seconds", "10")), positive(o, "list-times", 20),
        Long.parseLong(o.getOrDefault("seed", "1")),
        Duration.ofSeconds(positive(o, "timeout-seconds", 60)), markdown,
        o.containsKey("results") ? Path.of(o.get("results")) : null, null, facts, positive(o, "nodes", 100),
        positive(o, "pods", 1000), positive(o, "startup-pods", 200),
        Double.parseDouble(o.getOrDefault("startup-rate", "20")), positive(o, "deployment-replicas", 1000),
        positive(o, "jobs", 100), positive(o, "job-completions", 10), positive(o, "job-parallelism", 10));
  }

  private static int positive(Map<String, String> o, String key, int dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + key + " must be a positive whole number, not '" + v + "'");
  }
}
