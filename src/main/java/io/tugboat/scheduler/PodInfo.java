package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.store.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod as the scheduler sees it, read once from the object: what it requests, where it may go, whom it
 * wants near or away, and who owns it.
 *
 * @param requests what the pod needs on a node (containers, init containers and overhead), pods = 1
 * @param nonZeroRequests cpu and memory with Kubernetes' defaults for containers that request none (100m,
 *     200Mi), used only for scoring so that best-effort pods still spread
 * @param ownerUid the uid of the controlling ownerReference, "" when none
 */
public record PodInfo(ObjectKey key, String uid, JsonNode labels, String nodeName, String schedulerName,
    int priority, String preemptionPolicy, Resources requests, Resources nonZeroRequests, List<HostPort> hostPorts,
    Map<String, String> nodeSelector, JsonNode nodeAffinity, List<AffinityTerm> requiredAffinity,
    List<AffinityTerm> preferredAffinity, List<AffinityTerm> requiredAntiAffinity,
    List<AffinityTerm> preferredAntiAffinity, List<Taints.Toleration> tolerations, String ownerUid,
    boolean deleting, boolean finished, String nominatedNodeName, String creationTimestamp, ObjectNode object) {

  /** The scheduler a pod gets when it names none. */
  public static final String DEFAULT_SCHEDULER = "default-scheduler";

  private static final long DEFAULT_MILLI_CPU = 100;
  private static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

  /** A port a container binds on its node. */
  public record HostPort(String ip, String protocol, long port) {
    /** Whether two host ports collide: same port and protocol, and one of them on every address. */
    public boolean conflicts(HostPort other) {
      if (port != other.port || !protocol.equals(other.protocol)) {
        return false;
      }
      return ip.equals(other.ip) || ip.equals("0.0.0.0") || other.ip.equals("0.0.0.0");
    }
  }

  /** Reads a pod object. */
  public static PodInfo of(ObjectKey key, ObjectNode pod) {
    JsonNode meta = pod.path("metadata");
    JsonNode spec = pod.path("spec");
    String namespace = key.namespace();
    JsonNode affinity = spec.path("affinity");
    JsonNode podAffinity = affinity.path("podAffinity");
    JsonNode antiAffinity = affinity.path("podAntiAffinity");
    String owner = "";
    for (JsonNode ref : meta.path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        owner = Json.text(ref.path("uid"));
      }
    }
    String phase = Json.text(pod.path("status").path("phase"));
    String scheduler = Json.text(spec.path("schedulerName"));
    return new PodInfo(key, Json.text(meta.path("uid")), meta.path("labels").deepCopy(),
        Json.text(spec.path("nodeName")), scheduler.isEmpty() ? DEFAULT_SCHEDULER : scheduler,
        spec.path("priority").asInt(0), Json.text(spec.path("preemptionPolicy")), requests(spec, false),
        requests(spec, true), hostPorts(spec), Json.stringMap(spec.path("nodeSelector")),
        affinity.path("nodeAffinity").deepCopy(),
        AffinityTerm.parse(podAffinity.path("requiredDuringSchedulingIgnoredDuringExecution"), namespace, false),
        AffinityTerm.parse(podAffinity.path("preferredDuringSchedulingIgnoredDuringExecution"), namespace, true),
        AffinityTerm.parse(antiAffinity.path("requiredDuringSchedulingIgnoredDuringExecution"), namespace, false),
        AffinityTerm.parse(antiAffinity.path("preferredDuringSchedulingIgnoredDuringExecution"), namespace, true),
        Taints.tolerations(spec.path("tolerations")), owner, meta.hasNonNull("deletionTimestamp"),
        phase.equals("Succeeded") || phase.equals("Failed"),
        Json.text(pod.path("status").path("nominatedNodeName")), Json.text(meta.path("creationTimestamp")), pod);
  }

  /** The namespace of the pod. */
  public String namespace() {
    return key.namespace();
  }

  /** The pod's name. */
  public String name() {
    return key.name();
  }

  /** "namespace/name", as events and messages name the pod. */
  public String fullName() {
    return key.namespace() + "/" + key.name();
  }

  /** Whether the pod has any inter-pod affinity or anti-affinity term. */
  public boolean hasPodAffinity() {
    return !requiredAffinity.isEmpty() || !preferredAffinity.isEmpty() || !requiredAntiAffinity.isEmpty()
        || !preferredAntiAffinity.isEmpty();
  }

  /** Whether this pod may make the scheduler evict lower-priority pods. */
  public boolean mayPreempt() {
    return !"Never".equals(preemptionPolicy);
  }

  /** The same pod bound to a node (the scheduler's assumption before the binding is confirmed). */
  public PodInfo onNode(String node) {
    return new PodInfo(key, uid, labels, node, schedulerName, priority, preemptionPolicy, requests, nonZeroRequests,
        hostPorts, nodeSelector, nodeAffinity, requiredAffinity, preferredAffinity, requiredAntiAffinity,
        preferredAntiAffinity, tolerations, ownerUid, deleting, finished, nominatedNodeName, creationTimestamp,
        object);
  }

  /**
   * What the pod needs on a node, as Kubernetes' PodRequests: the app containers and restartable (sidecar) init
   * containers add up; each other init container runs alone next to the sidecars started before it, so the
   * pod needs the larger of the two; then the pod overhead.
   */
  static Resources requests(JsonNode spec, boolean nonZero) {
    Resources sidecars = Resources.ZERO;
    Resources initPeak = Resources.ZERO;
    for (JsonNode c : spec.path("initContainers")) {
      Resources r = containerRequests(c, nonZero);
      if ("Always".equals(Json.text(c.path("restartPolicy")))) {
        sidecars = sidecars.plus(r);
        initPeak = initPeak.max(sidecars);
      } else {
        initPeak = initPeak.max(sidecars.plus(r));
      }
    }
    Resources apps = sidecars;
    for (JsonNode c : spec.path("containers")) {
      apps = apps.plus(containerRequests(c, nonZero));
    }
    Resources total = apps.max(initPeak).plus(Resources.of(spec.path("overhead")));
    return total.withPods(1);
  }

  private static Resources containerRequests(JsonNode container, boolean nonZero) {
    JsonNode requests = container.path("resources").path("requests");
    Resources r = Resources.of(requests);
    if (nonZero) {
      long cpu = requests.has(Resources.CPU) ? r.milliCpu() : DEFAULT_MILLI_CPU;
      long memory = requests.has(Resources.MEMORY) ? r.memory() : DEFAULT_MEMORY;
      r = new Resources(cpu, memory, r.ephemeralStorage(), 0, r.scalars());
    }
    return r;
  }

  private static List<HostPort> hostPorts(JsonNode spec) {
    List<HostPort> out = new ArrayList<>();
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode p : c.path("ports")) {
          long port = p.path("hostPort").asLong(0);
          if (port > 0) {
            String ip = Json.text(p.path("hostIP"));
            String protocol = Json.text(p.path("protocol"));
            out.add(new HostPort(ip.isEmpty() ? "0.0.0.0" : ip, protocol.isEmpty() ? "TCP" : protocol, port));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** The same pod nominated to a node by preemption, before the status write comes back through the watch. */
  public PodInfo withNominatedNode(String node) {
    return new PodInfo(key, uid, labels, nodeName, schedulerName, priority, preemptionPolicy, requests,
        nonZeroRequests, hostPorts, nodeSelector, nodeAffinity, requiredAffinity, preferredAffinity,
        requiredAntiAffinity, preferredAntiAffinity, tolerations, ownerUid, deleting, finished, node,
        creationTimestamp, object);
  }

  /** Whether what scheduling reads (spec, labels) differs between two versions of the pod. */
  public boolean schedulingChanged(PodInfo other) {
    return !same(object.path("spec"), other.object.path("spec")) || !same(labels, other.labels);
  }

  /** JSON equality with numbers by value: the journal may hand back an int written as a long. */
  private static boolean same(JsonNode a, JsonNode b) {
    return a.equals((x, y) -> x.isNumber() && y.isNumber() ? x.decimalValue().compareTo(y.decimalValue())
        : x.equals(y) ? 0 : 1, b);
  }
}
