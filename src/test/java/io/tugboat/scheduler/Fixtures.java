package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.store.ObjectKey;
import java.util.Map;

/** Test fixture: nodes and pods written as small YAML blocks, and a cluster view built from them. */
final class Fixtures {

  private Fixtures() {}

  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** A node with this much allocatable cpu, memory and pods, and extra YAML (labels, taints...) merged in. */
  static ObjectNode node(String name, String cpu, String memory, int pods, String extra) {
    ObjectNode n = yaml("""
        apiVersion: v1
        kind: Node
        metadata: {name: %s}
        status:
          allocatable: {cpu: "%s", memory: "%s", pods: "%d", ephemeral-storage: 100Gi}
        """.formatted(name, cpu, memory, pods));
    if (!extra.isBlank()) {
      merge(n, yaml(extra));
    }
    return n;
  }

  /** A node with 4 cpus, 8Gi and 110 pods. */
  static ObjectNode node(String name) {
    return node(name, "4", "8Gi", 110, "");
  }

  /** A node with 4 cpus, 8Gi, 110 pods and extra YAML. */
  static ObjectNode node(String name, String extra) {
    return node(name, "4", "8Gi", 110, extra);
  }

  /** A pod from YAML (kind, namespace "default" and uid = name filled in), with one container. */
  static PodInfo pod(String yaml) {
    return pod(yaml(yaml));
  }

  /** A pod from a parsed object, defaults filled in as {@link #pod(String)}. */
  static PodInfo pod(ObjectNode given) {
    ObjectNode p = yaml("""
        apiVersion: v1
        kind: Pod
        metadata: {namespace: default}
        spec:
          containers: [{name: c, image: busybox}]
        """);
    merge(p, given);
    ObjectNode meta = Json.meta(p);
    if (!meta.has("uid")) {
      meta.put("uid", Json.text(meta.path("name")));
    }
    ObjectKey key = ObjectKey.of(ResourceRegistry.byPath("", "v1", "pods").orElseThrow(), Json.text(
        meta.path("namespace")), Json.text(meta.path("name")));
    return PodInfo.of(key, p);
  }

  /** A pod requesting cpu and memory, with extra YAML merged in. */
  static PodInfo pod(String name, String cpu, String memory, String extra) {
    ObjectNode p = yaml("""
        metadata: {name: %s}
        spec:
          containers: [{name: c, image: busybox, resources: {requests: {cpu: "%s", memory: "%s"}}}]
        """.formatted(name, cpu, memory));
    if (!extra.isBlank()) {
      merge(p, yaml(extra));
    }
    return pod(p);
  }

  /** A cluster of these nodes with these (bound) pods. */
  static ClusterState cluster(ObjectNode[] nodes, PodInfo... pods) {
    ClusterState s = new ClusterState(ns -> Map.of());
    for (ObjectNode n : nodes) {
      s.applyNode(Json.metaText(n, "name"), n);
    }
    for (PodInfo p : pods) {
      s.applyPod(p.key(), p.uid(), p.object());
    }
    return s;
  }

  static ObjectNode[] nodes(ObjectNode... nodes) {
    return nodes;
  }

  /** The verdict of one filter for a pod on a node of the cluster. */
  static Filter.Result check(Filter filter, PodInfo pod, ClusterState cluster, String node) {
    return filter.prepare(pod, cluster).check(cluster.node(node));
  }

  /** Deep merge of YAML into an object (objects merge, everything else replaces). */
  static void merge(ObjectNode target, ObjectNode source) {
    source.properties().forEach(e -> {
      if (e.getValue() instanceof ObjectNode o && target.get(e.getKey()) instanceof ObjectNode t) {
        merge(t, o);
      } else {
        target.set(e.getKey(), e.getValue());
      }
    });
  }
}
