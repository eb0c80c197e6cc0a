package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.DnsConfig;
import io.tugboat.runtime.ContainerRuntime.Mount;
import io.tugboat.runtime.ContainerRuntime.PortMapping;
import io.tugboat.runtime.ContainerRuntime.Resources;
import io.tugboat.runtime.ContainerRuntime.SandboxConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runtime is given for a pod, as pure functions of its spec: the sandbox (hostname, host ports, DNS) and
 * each container (command and args expanded with its environment, limits, stdin and terminal, mounts).
 */
public final class ContainerConfigs {
  private ContainerConfigs() {}

  /** The sandbox of a pod; {@code clusterDns}: the cluster DNS servers (empty: none, the host's resolv.conf). */
  public static SandboxConfig sandbox(JsonNode pod, List<String> clusterDns, String clusterDomain) {
    String name = Json.metaText(pod, "name");
    String ns = Json.metaText(pod, "namespace");
    String uid = Json.metaText(pod, "uid");
    JsonNode spec = pod.path("spec");
    String hostname = Json.text(spec.path("hostname"));
    return new SandboxConfig(name, ns, uid, 0, hostname.isEmpty() ? name : hostname,
        Json.stringMap(pod.path("metadata").path("labels")), Json.stringMap(pod.path("metadata").path("annotations")),
        "pods/" + ns + "_" + name + "_" + uid, spec.path("hostNetwork").asBoolean(false), portMappings(spec),
        dns(pod, clusterDns, clusterDomain));
  }

  /** Every container port with a hostPort (of init and regular containers), as the kubelet hands them to CRI. */
  static List<PortMapping> portMappings(JsonNode spec) {
    List<PortMapping> out = new ArrayList<>();
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode p : c.path("ports")) {
          int hostPort = p.path("hostPort").asInt(0);
          if (hostPort > 0) {
            out.add(new PortMapping(p.path("protocol").asText("TCP"), p.path("containerPort").asInt(),
                hostPort, Json.text(p.path("hostIP"))));
          }
        }
      }
    }
    return out;
  }

  /**
   * The pod's resolv.conf as the kubelet computes it from dnsPolicy and dnsConfig: ClusterFirst (the default)
   * with cluster DNS servers: those, the namespace's search domains and ndots:5; ClusterFirst without them, or
   * Default: the host's (null, with dnsConfig merged in when given); None: dnsConfig alone.
   * ClusterFirstWithHostNet is ClusterFirst for host-network pods; ClusterFirst on the host network is Default.
   */
  static DnsConfig dns(JsonNode pod, List<String> clusterDns, String clusterDomain) {
    JsonNode spec = pod.path("spec");
    String policy = spec.path("dnsPolicy").asText("ClusterFirst");
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    List<String> servers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    boolean cluster = (policy.equals("ClusterFirst") && !hostNetwork) || policy.equals("ClusterFirstWithHostNet");
    if (cluster && !clusterDns.isEmpty()) {
      String ns = Json.metaText(pod, "namespace");
      servers.addAll(clusterDns);
      searches.add(ns + ".svc." + clusterDomain);
      searches.add("svc." + clusterDomain);
      searches.add(clusterDomain);
      options.put("ndots", "5");
    }
    JsonNode config = spec.path("dnsConfig");
    config.path("nameservers").forEach(n -> servers.add(n.asText()));
    config.path("searches").forEach(n -> {
      if (!searches.contains(n.asText())) {
        searches.add(n.asText());
      }
    });
    for (JsonNode o : config.path("options")) {
      options.put(Json.text(o.path("name")), o.has("value") ? Json.text(o.path("value")) : null);
    }
    if (servers.isEmpty() && searches.isEmpty() && options.isEmpty() && !policy.equals("None")) {
      return null; // the runtime's default: the host's resolv.conf
    }
    List<String> opts = new ArrayList<>();
    options.forEach((k, v) -> opts.add(v == null ? k : k + ":" + v));
    return new DnsConfig(servers, searches, opts);
  }

  /** A container's limits: limits.cpu as a quota, requests.cpu (else limits.cpu) as shares, limits.memory. */
  public static Resources resources(JsonNode container) {
    JsonNode limits = container.path("resources").path("limits");
    JsonNode requests = container.path("resources").path("requests");
    long cpuLimit = millis(limits.path("cpu"));
    long cpuRequest = requests.has("cpu") ? millis(requests.path("cpu")) : cpuLimit;
    // The kubelet's MilliCPUToShares: 1024 per core, at least 2.
    long shares = cpuRequest == 0 ? 0 : Math.max(2, cpuRequest * 1024 / 1000);
    long memory = Quantity.tryParse(limits.path("memory")).map(BigDecimal::longValue).orElse(0L);
    if (cpuLimit == 0 && shares == 0 && memory == 0) {
      return Resources.NONE;
    }
    return new Resources(cpuLimit, shares, memory, 0);
  }

  private static long millis(JsonNode q) {
    return Quantity.tryParse(q).map(v -> v.multiply(BigDecimal.valueOf(1000))
        .setScale(0, java.math.RoundingMode.CEILING).longValue()).orElse(0L);
  }

  /**
   * The runtime's config of one container: command and args expanded with {@code env}, the image's entrypoint
   * and cmd left to the runtime when the spec has none.
   */
  public static ContainerConfig container(JsonNode pod, JsonNode spec, boolean init, int attempt,
      Map<String, String> env, List<Mount> mounts) {
    String name = spec.path("name").asText();
    Map<String, String> labels = new HashMap<>();
    labels.put("io.kubernetes.pod.name", Json.metaText(pod, "name"));
    labels.put("io.kubernetes.pod.namespace", Json.metaText(pod, "namespace"));
    labels.put("io.kubernetes.pod.uid", Json.metaText(pod, "uid"));
    labels.put("io.kubernetes.container.name", name);
    labels.put(ContainerConfig.KIND_LABEL, init ? "init" : "regular");
    Map<String, String> annotations = new HashMap<>();
    annotations.put("io.kubernetes.container.restartCount", Integer.toString(attempt));
    return new ContainerConfig(name, attempt, spec.path("image").asText(),
        EnvResolver.expandAll(strings(spec.path("command")), env),
        EnvResolver.expandAll(strings(spec.path("args")), env), Json.text(spec.path("workingDir")), env, mounts,
        name + "/" + attempt + ".log", labels, annotations, resources(spec), spec.path("stdin").asBoolean(false),
        spec.path("stdinOnce").asBoolean(false), spec.path("tty").asBoolean(false));
  }

  /**
   * The image pull policy: as given, else Kubernetes' default (Always for :latest or no tag, IfNotPresent
   * otherwise).
   */
  public static String pullPolicy(JsonNode spec) {
    String given = Json.text(spec.path("imagePullPolicy"));
    if (!given.isEmpty()) {
      return given;
    }
    String image = spec.path("image").asText();
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    String last = image.substring(image.lastIndexOf('/') + 1);
    return !last.contains(":") || last.endsWith(":latest") ? "Always" : "IfNotPresent";
  }

  /** The spec of the container (or init container) of that name in the pod, or null. */
  static JsonNode spec(JsonNode pod, String name) {
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode s : pod.path("spec").path(list)) {
        if (name.equals(s.path("name").asText())) {
          return s;
        }
      }
    }
    return null;
  }

  /** Whether the pod's container of that name is an init container. */
  static boolean isInit(JsonNode pod, String name) {
    for (JsonNode s : pod.path("spec").path("initContainers")) {
      if (name.equals(s.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
