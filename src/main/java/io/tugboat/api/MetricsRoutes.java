package io.tugboat.api;

import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.FieldSelector;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.node.ClusterUsage;
import io.tugboat.node.ClusterUsage.PodOnNode;
import io.tugboat.node.NodeUsage;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * metrics.k8s.io/v1beta1 as metrics-server serves it, for kubectl top: NodeMetrics and PodMetrics built on read
 * from the node agents' latest usage, gathered from every worker JVM ({@link ClusterUsage}), and the Node and Pod
 * objects in the watch cache (names, labels, selectors). Nothing is stored: only get and list, anything else is
 * 405.
 */
final class MetricsRoutes {

  /** The path prefix this serves (its discovery documents are {@link Discovery}'s). */
  static final String PREFIX = "/apis/metrics.k8s.io/v1beta1/";

  private static final String API_VERSION = "metrics.k8s.io/v1beta1";
  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  // metrics-server selects its virtual objects by their metadata only.
  private static final Set<String> FIELDS = Set.of("metadata.name", "metadata.namespace");

  private final WatchCache cache;
  private final ClusterUsage usage;
  private final Clock clock;

  MetricsRoutes(WatchCache cache, ClusterUsage usage, Clock clock) {
    this.cache = cache;
    this.usage = usage;
    this.clock = clock;
  }

  /** Whether a path is one of this group's resources (rather than its discovery documents). */
  static boolean serves(String path) {
    return path.startsWith(PREFIX) && path.length() > PREFIX.length();
  }

  /**
   * Answers GET nodes[/{name}], pods, namespaces/{ns}/pods[/{name}] under {@link #PREFIX}.
   *
   * @throws ApiException 404 for another path or a node or pod without usage, 405 for other verbs and watches,
   *     400 for a malformed selector
   */
  CompletionStage<HttpResponse> handle(String method, String path, Query query) {
    String[] s = path.substring(PREFIX.length()).replaceAll("/+$", "").split("/");
    boolean nodes = s[0].equals("nodes") && s.length <= 2;
    boolean pods = s[0].equals("pods") && s.length == 1
        || s[0].equals("namespaces") && (s.length == 3 || s.length == 4) && s[2].equals("pods");
    if (!nodes && !pods) {
      throw new ApiException(new ApiError(404, "NotFound", "the server could not find the requested resource", null,
          null, List.of()));
    }
    if (!method.equals("GET") || query.flag("watch")) {
      throw new ApiException(ApiError.methodNotAllowed("the server does not allow this method on the requested "
          + "resource: " + (nodes ? "nodemetrics" : "podmetrics") + " support only get and list"));
    }
    if (nodes) {
      if (s.length == 2) {
        String name = s[1];
        return measured(Set.of(name), u -> node(name, u));
      }
      Selection selection = selection(NODES, query);
      return measured(Set.of(), u -> nodeList(selection, u));
    }
    String namespace = s[0].equals("namespaces") ? s[1] : null;
    if (s.length == 4) {
      String name = s[3];
      Optional<WatchCache.Entry> pod = cache.get(ObjectKey.of(PODS, namespace, name));
      Set<String> node = pod.map(p -> Json.text(p.object().path("spec").path("nodeName")))
          .filter(n -> !n.isEmpty()).map(Set::of).orElse(null);
      if (node == null) {
        throw podNotFound(namespace, name);
      }
      return measured(node, u -> pod(pod.get(), u));
    }
    Selection selection = selection(PODS, query);
    return measured(Set.of(), u -> podList(namespace, selection, u));
  }

  /** Gathers the usage of these nodes (all when empty), then answers what {@code render} makes of it. */
  private CompletionStage<HttpResponse> measured(Set<String> nodes,
      Function<Map<String, NodeUsage>, ObjectNode> render) {
    return usage.nodes(nodes).thenApply(u -> Responses.json(200, render.apply(u)));
  }

  private ObjectNode node(String name, Map<String, NodeUsage> usage) {
    Instant now = clock.instant();
    return cache.get(ObjectKey.of(NODES, "", name))
        .flatMap(n -> Optional.ofNullable(usage.get(name)).map(u -> nodeMetrics(n.object(), u, now)))
        .orElseThrow(() -> new ApiException(ApiError.notFound("nodemetrics.metrics.k8s.io", name)));
  }

  private ObjectNode nodeList(Selection selection, Map<String, NodeUsage> usage) {
    Instant now = clock.instant();
    ObjectNode list = list("NodeMetricsList");
    ArrayNode items = list.putArray("items");
    for (WatchCache.Entry e : cache.list(NODES.storageKey(), null, x -> selection.test(x.object()), null, 0).items()) {
      NodeUsage u = usage.get(Json.metaText(e.object(), "name"));
      if (u != null) {
        items.add(nodeMetrics(e.object(), u, now));
      }
    }
    return list;
  }

  private ObjectNode pod(WatchCache.Entry pod, Map<String, NodeUsage> usage) {
    return podUsage(pod.object(), usage).map(u -> podMetrics(pod.object(), u.usage(), u.node(), clock.instant()))
        .orElseThrow(() -> podNotFound(Json.metaText(pod.object(), "namespace"), Json.metaText(pod.object(), "name")));
  }

  private static ApiException podNotFound(String namespace, String name) {
    return new ApiException(ApiError.notFound("podmetrics.metrics.k8s.io", namespace + "/" + name));
  }

  private ObjectNode podList(String namespace, Selection selection, Map<String, NodeUsage> usage) {
    Instant now = clock.instant();
    ObjectNode list = list("PodMetricsList");
    ArrayNode items = list.putArray("items");
    for (WatchCache.Entry e : cache.list(PODS.storageKey(), namespace, x -> selection.test(x.object()), null, 0)
        .items()) {
      podUsage(e.object(), usage).ifPresent(u -> items.add(podMetrics(e.object(), u.usage(), u.node(), now)));
    }
    return list;
  }

  /** The usage its node's agent last measured for this pod (this incarnation of it: same uid). */
  private static Optional<PodOnNode> podUsage(JsonNode pod, Map<String, NodeUsage> usage) {
    return ClusterUsage.pod(usage, Json.text(pod.path("spec").path("nodeName")), Json.metaText(pod, "namespace"),
        Json.metaText(pod, "name"), Json.metaText(pod, "uid"));
  }

  private static Selection selection(ResourceType type, Query query) {
    String fields = query.get("fieldSelector", "");
    try {
      for (FieldSelector.Requirement r : FieldSelector.parse(fields).requirements()) {
        if (!FIELDS.contains(r.field())) {
          throw new ApiException(ApiError.badRequest("field label not supported: " + r.field()));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiError.badRequest(e.getMessage()));
    }
    return Selection.of(type, query.get("labelSelector", ""), fields);
  }

  private static ObjectNode list(String kind) {
    ObjectNode list = Json.object().put("kind", kind).put("apiVersion", API_VERSION);
    list.putObject("metadata");
    return list;
  }

  private static ObjectNode nodeMetrics(JsonNode node, NodeUsage u, Instant now) {
    ObjectNode m = item("NodeMetrics", node, now);
    m.put("timestamp", time(u.timestamp())).put("window", goDuration(u.window()));
    m.set("usage", usage(u.usage()));
    return m;
  }

  private static ObjectNode podMetrics(JsonNode pod, NodeUsage.PodUsage p, NodeUsage node, Instant now) {
    ObjectNode m = item("PodMetrics", pod, now);
    m.put("timestamp", time(node.timestamp())).put("window", goDuration(node.window()));
    ArrayNode containers = m.putArray("containers");
    for (NodeUsage.ContainerUsage c : p.containers()) {
      containers.addObject().put("name", c.name()).set("usage", usage(c.usage()));
    }
    return m;
  }

  /** The object's name, namespace and labels; created now, as metrics-server's objects are made on each read. */
  private static ObjectNode item(String kind, JsonNode object, Instant now) {
    ObjectNode m = Json.object().put("kind", kind).put("apiVersion", API_VERSION);
    ObjectNode meta = m.putObject("metadata").put("name", Json.metaText(object, "name"));
    String namespace = Json.metaText(object, "namespace");
    if (!namespace.isEmpty()) {
      meta.put("namespace", namespace);
    }
    meta.put("creationTimestamp", time(now));
    JsonNode labels = object.path("metadata").path("labels");
    if (labels.isObject() && !labels.isEmpty()) {
      meta.set("labels", labels.deepCopy());
    }
    return m;
  }

  private static ObjectNode usage(NodeUsage.Usage u) {
    return Json.object().put("cpu", Quantity.formatNanos(u.cpuNanoCores()))
        .put("memory", Quantity.formatBytes(u.memoryBytes()));
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A duration as Go's time.Duration.String writes it (metav1.Duration): "10s", "1m30s", "1.5s", "200ms". */
  static String goDuration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      long nanos = d.toNanos();
      return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos % 1000 == 0 ? nanos / 1000 + "µs"
          : nanos + "ns";
    }
    StringBuilder sb = new StringBuilder();
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    BigDecimal seconds = BigDecimal.valueOf(d.toSecondsPart()).add(BigDecimal.valueOf(d.toNanosPart(), 9));
    return sb.append(seconds.stripTrailingZeros().toPlainString()).append('s').toString();
  }
}
