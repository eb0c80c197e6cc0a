package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The pods of a Job: how one is made from the template, and when a finished one finished. */
public final class JobPods {

  /** Annotation on an Indexed pod with backoffLimitPerIndex: failures of its index before it. */
  public static final String INDEX_FAILURES = "batch.kubernetes.io/job-index-failure-count";

  private JobPods() {}

  /** The failures of its index before this pod (its annotation; 0 without one). */
  public static int indexFailures(JsonNode pod) {
    try {
      return Integer.parseInt(Json.text(pod.path("metadata").path("annotations").path(INDEX_FAILURES)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * A new pod of {@code job}: the template with the controller reference and the tracking finalizer; for an
   * Indexed Job ({@code index >= 0}) named {@code <job>-<index>-<random>}, with the index as annotation, label and
   * JOB_COMPLETION_INDEX in every container, and hostname {@code <job>-<index>}.
   */
  public static ObjectNode pod(JsonNode job, int index) {
    return pod(job, index, -1);
  }

  /** Likewise, with the index's failures so far as annotation when {@code indexFailures >= 0}. */
  public static ObjectNode pod(JsonNode job, int index, int indexFailures) {
    ObjectNode pod = ReplicaSetSync.podFromTemplate(job);
    ObjectNode meta = Json.meta(pod);
    meta.withArray("finalizers").add(JobTracking.FINALIZER);
    if (index >= 0) {
      String name = Json.metaText(job, "name");
      meta.put("generateName", name + "-" + index + "-");
      meta.with("annotations").put(JobSync.INDEX, Integer.toString(index));
      meta.with("labels").put(JobSync.INDEX, Integer.toString(index));
      if (indexFailures >= 0) {
        meta.with("annotations").put(INDEX_FAILURES, Integer.toString(indexFailures));
      }
      ObjectNode spec = (ObjectNode) pod.get("spec");
      if (!spec.hasNonNull("hostname")) {
        spec.put("hostname", name + "-" + index);
      }
      for (String list : new String[] {"initContainers", "containers"}) {
        for (JsonNode c : spec.path(list)) {
          ArrayNode env = ((ObjectNode) c).withArray("env");
          ObjectNode var = env.addObject();
          var.put("name", "JOB_COMPLETION_INDEX");
          var.put("value", Integer.toString(index));
        }
      }
    }
    return pod;
  }

  /**
   * When a finished pod finished: the latest container termination, else when it was deleted, else when it was
   * created (so a pod that never started still orders among the others).
   */
  public static Instant finishedAt(JsonNode pod) {
    Instant latest = null;
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode cs : pod.path("status").path(list)) {
        Instant at = parse(Json.text(cs.path("state").path("terminated").path("finishedAt")));
        if (at != null && (latest == null || at.isAfter(latest))) {
          latest = at;
        }
      }
    }
    if (latest != null) {
      return latest;
    }
    Instant deleted = parse(Json.metaText(pod, "deletionTimestamp"));
    if (deleted != null) {
      return deleted;
    }
    Instant created = parse(Json.metaText(pod, "creationTimestamp"));
    return created == null ? Instant.EPOCH : created;
  }

  private static Instant parse(String at) {
    try {
      return at.isEmpty() ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
