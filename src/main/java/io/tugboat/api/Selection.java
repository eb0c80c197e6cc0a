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
  private final boolean eventsV1;

  private Selection(LabelSelector labels, FieldSelector fields, boolean eventsV1) {
    this.labels = labels;
    this.fields = fields;
    this.eventsV1 = eventsV1;
  }

  /** events.k8s.io field names select the stored core Event's fields. */
  private static String coreEventField(String field) {
    if (field.startsWith("regarding.")) {
      return "involvedObject." + field.substring("regarding.".length());
    }
    return field.equals("reportingController") ? "reportingComponent" : field;
  }

  /** Parses the selectors of a request; 400 when either is malformed or names an unsupported field. */
  static Selection of(ResourceType type, String labelSelector, String fieldSelector) {
    try {
      LabelSelector l = LabelSelector.parse(labelSelector);
      FieldSelector f = FieldSelector.parse(fieldSelector);
      boolean eventsV1 = type.group().equals("events.k8s.io");
      for (FieldSelector.Requirement r : f.requirements()) {
        String field = eventsV1 ? coreEventField(r.field()) : r.field();
        if (!COMMON.contains(field) && !FIELDS.getOrDefault(type.kind(), Set.of()).contains(field)) {
          throw new ApiException(ApiError.badRequest("field label not supported: " + r.field()));
        }
      }
      return new Selection(l, f, eventsV1);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiError.badRequest(e.getMessage()));
    }
  }

  @Override
  public boolean test(JsonNode obj) {
    return labels.matches(obj.path("metadata").path("labels"))
        && (fields.isEverything() || fields.matches(field -> value(obj, eventsV1 ? coreEventField(field) : field)));
  }

  private static String value(JsonNode obj, String field) {
    if (field.equals("source")) {
      return Json.text(obj.path("source").path("component"));
    }
    return Json.dotted(obj, field);
  }
}
