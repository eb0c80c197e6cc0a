package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.List;

/** Node taints and pod tolerations, and how a toleration matches a taint (Kubernetes' ToleratesTaint). */
public final class Taints {

  /** Effects a taint may have. */
  public static final String NO_SCHEDULE = "NoSchedule";
  public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
  public static final String NO_EXECUTE = "NoExecute";

  /** Taints the node lifecycle controller puts on nodes, and the scheduler implies from conditions. */
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

  private Taints() {}

  /** One node taint. */
  public record Taint(String key, String value, String effect) {
    /** As Kubernetes prints it in "untolerated taint" messages: {key: value}. */
    public String describe() {
      return "{" + key + ": " + value + "}";
    }
  }

  /** One pod toleration; an empty key with operator Exists tolerates everything. */
  public record Toleration(String key, String operator, String value, String effect) {
    /** Whether this toleration tolerates the taint. */
    public boolean tolerates(Taint taint) {
      if (!effect.isEmpty() && !effect.equals(taint.effect())) {
        return false;
      }
      if (!key.isEmpty() && !key.equals(taint.key())) {
        return false;
      }
      return switch (operator) {
        case "Exists" -> true;
        case "", "Equal" -> value.equals(taint.value());
        default -> false;
      };
    }
  }

  /** The taints in a node's spec.taints. */
  public static List<Taint> taints(JsonNode list) {
    List<Taint> out = new ArrayList<>();
    for (JsonNode t : list) {
      out.add(new Taint(Json.text(t.path("key")), Json.text(t.path("value")), Json.text(t.path("effect"))));
    }
    return List.copyOf(out);
  }

  /** The tolerations in a pod's spec.tolerations. */
  public static List<Toleration> tolerations(JsonNode list) {
    List<Toleration> out = new ArrayList<>();
    for (JsonNode t : list) {
      out.add(new Toleration(Json.text(t.path("key")), Json.text(t.path("operator")), Json.text(t.path("value")),
          Json.text(t.path("effect"))));
    }
    return List.copyOf(out);
  }

  /** Whether any of the tolerations tolerates the taint. */
  public static boolean tolerated(Taint taint, List<Toleration> tolerations) {
    for (Toleration t : tolerations) {
      if (t.tolerates(taint)) {
        return true;
      }
    }
    return false;
  }
}
