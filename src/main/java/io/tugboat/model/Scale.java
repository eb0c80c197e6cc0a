package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The autoscaling/v1 Scale view of a scalable object (Deployment, ReplicaSet, StatefulSet, ReplicationController),
 * as the /scale subresource serves it and the horizontal pod autoscaler reads it: spec.replicas (1 when absent),
 * status.replicas, and the pod selector as a string.
 */
public final class Scale {

  private Scale() {}

  /** The Scale object of {@code obj}. */
  public static ObjectNode of(JsonNode obj) {
    ObjectNode s = Json.object();
    s.put("kind", "Scale");
    s.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = s.putObject("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (obj.path("metadata").has(f)) {
        meta.set(f, obj.path("metadata").get(f));
      }
    }
    s.putObject("spec").put("replicas", replicas(obj));
    ObjectNode status = s.putObject("status");
    status.put("replicas", obj.path("status").path("replicas").asInt(0));
    String selector = selector(obj);
    if (selector != null) {
      status.put("selector", selector);
    }
    return s;
  }

  /** spec.replicas, 1 when absent (the API server's default). */
  public static int replicas(JsonNode obj) {
    return obj.path("spec").path("replicas").asInt(1);
  }

  /**
   * The pod selector in label-selector syntax: a LabelSelector's (apps kinds) or a label map's (a
   * ReplicationController's); null when the object has none.
   */
  public static String selector(JsonNode obj) {
    JsonNode sel = obj.path("spec").path("selector");
    if (sel.isObject() && (sel.has("matchLabels") || sel.has("matchExpressions"))) {
      return LabelSelector.fromJson(sel).toString();
    } else if (sel.isObject()) {
      List<String> parts = new ArrayList<>();
      sel.fields().forEachRemaining(f -> parts.add(f.getKey() + "=" + f.getValue().asText()));
      return String.join(",", parts);
    }
    return null;
  }
}
