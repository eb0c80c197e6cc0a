package io.tugboat.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.FieldSelector;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelector;
import io.tugboat.model.ResourceType;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The label and field selectors of a list or watch, checked against the fields each kind supports (as
 * Kubernetes does: any other field is a 400).
 */
final class Selection implements Predicate<JsonNode> {
  private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
      "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
          "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
          "reportingComponent", "source", "type"),
      "Node", Set.of("spec.unschedulable"),
      "Secret", Set.of("type"),
      "Namespace", Set.of("status.phase"),
      "ReplicaSet", Set.of("status.replicas"),
      "ReplicationController", Set.of("status.replicas"),
      "Job", Set.of("status.successful"));

  private final LabelSelector labels;
  private final FieldSelector fields;

  private Selection(LabelSelector labels, FieldSelector fields) {
    this.labels = labels;
    this.fields = fields;
  }

  /** Parses the selectors of a request; 400 when either is malformed or names an unsupported field. */
  static Selection of(ResourceType type, String labelSelector, String fieldSelector) {
    try {
      LabelSelector l = LabelSelector.parse(labelSelector);
      FieldSelector f = FieldSelector.parse(fieldSelector);
      for (FieldSelector.Requirement r : f.requirements()) {
        if (!COMMON.contains(r.field()) && !FIELDS.getOrDefault(type.kind(), Set.of()).contains(r.field())) {
          throw new ApiException(ApiError.badRequest("field label not supported: " + r.field()));
        }
      }
      return new Selection(l, f);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiError.badRequest(e.getMessage()));
    }
  }

  @Override
  public boolean test(JsonNode obj) {
    return labels.matches(obj.path("metadata").path("labels"))
        && (fields.isEverything() || fields.matches(field -> value(obj, field)));
  }

  private static String value(JsonNode obj, String field) {
    if (field.equals("source")) {
      return Json.text(obj.path("source").path("component"));
    }
    return Json.dotted(obj, field);
  }
}
