package io.tugboat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelector;
import io.tugboat.model.ResourceType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side printing: the meta.k8s.io/v1 Table kubectl asks for, with the columns Kubernetes prints per
 * kind (Name and Age for kinds without their own columns) and each row's object metadata.
 */
final class Tables {

  private record Column(String name, String type, String format, int priority, Function<JsonNode, Object> cell) {}

  private Tables() {}

  /** A Table of these objects; includeObject is None, Metadata (default) or Object. */
  static ObjectNode table(ResourceType type, List<JsonNode> objects, String resourceVersion, String continueToken,
      String includeObject, Instant now) {
    List<Column> columns = columns(type, now);
    ObjectNode t = Json.object();
    t.put("kind", "Table");
    t.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = t.putObject("metadata");
    meta.put("resourceVersion", resourceVersion);
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    ArrayNode defs = t.putArray("columnDefinitions");
    for (Column c : columns) {
      defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
          .put("description", c.name()).put("priority", c.priority());
    }
    ArrayNode rows = t.putArray("rows");
    for (JsonNode obj : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        cells.addPOJO(c.cell().apply(obj));
      }
      if ("Object".equals(includeObject)) {
        row.set("object", obj);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", obj.path("metadata"));
      }
    }
    return t;
  }

  private static List<Column> columns(ResourceType type, Instant now) {
    List<Column> c = new ArrayList<>();
    c.add(new Column("Name", "string", "name", 0, o -> Json.metaText(o, "name")));
    switch (type.kind()) {
      case "Pod" -> {
        c.add(col("Ready", Tables::podReady));
        c.add(col("Status", Tables::podStatus));
        c.add(new Column("Restarts", "string", "", 0, Tables::podRestarts));
        c.add(age(now));
        c.add(wide("IP", o -> or(Json.text(o.path("status").path("podIP")), "<none>")));
        c.add(wide("Node", o -> or(Json.text(o.path("spec").path("nodeName")), "<none>")));
        c.add(wide("Nominated Node", o -> or(Json.text(o.path("status").path("nominatedNodeName")), "<none>")));
        c.add(wide("Readiness Gates", o -> "<none>"));
      }
      case "Deployment" -> {
        c.add(col("Ready", o -> o.path("status").path("readyReplicas").asInt(0) + "/"
            + o.path("spec").path("replicas").asInt(1)));
        c.add(new Column("Up-to-date", "integer", "", 0, o -> o.path("status").path("updatedReplicas").asInt(0)));
        c.add(new Column("Available", "integer", "", 0, o -> o.path("status").path("availableReplicas").asInt(0)));
        c.add(age(now));
        addWorkloadWide(c);
      }
      case "ReplicaSet", "ReplicationController" -> {
        c.add(new Column("Desired", "integer", "", 0, o -> o.path("spec").path("replicas").asInt(1)));
        c.add(new Column("Current", "integer", "", 0, o -> o.path("status").path("replicas").asInt(0)));
        c.add(new Column("Ready", "integer", "", 0, o -> o.path("status").path("readyReplicas").asInt(0)));
        c.add(age(now));
        addWorkloadWide(c);
      }
      case "StatefulSet" -> {
        c.add(col("Ready", o -> o.path("status").path("readyReplicas").asInt(0) + "/"
            + o.path("spec").path("replicas").asInt(1)));
        c.add(age(now));
        addWorkloadWide(c);
      }
      case "Namespace" -> {
        c.add(col("Status", o -> or(Json.text(o.path("status").path("phase")), "Active")));
        c.add(age(now));
      }
      case "ConfigMap" -> {
        c.add(new Column("Data", "integer", "", 0, o -> o.path("data").size() + o.path("binaryData").size()));
        c.add(age(now));
      }
      case "Secret" -> {
        c.add(col("Type", o -> Json.text(o.path("type"))));
        c.add(new Column("Data", "integer", "", 0, o -> o.path("data").size()));
        c.add(age(now));
      }
      case "Service" -> {
        c.add(col("Type", o -> Json.text(o.path("spec").path("type"))));
        c.add(col("Cluster-IP", o -> or(Json.text(o.path("spec").path("clusterIP")), "<none>")));
        c.add(col("External-IP", o -> "<none>"));
        c.add(col("Port(s)", Tables::servicePorts));
        c.add(age(now));
        c.add(wide("Selector", o -> or(selectorString(o.path("spec").path("selector")), "<none>")));
      }
      case "Node" -> {
        c.add(col("Status", Tables::nodeStatus));
        c.add(col("Roles", o -> "<none>"));
        c.add(age(now));
        c.add(col("Version", o -> Json.text(o.path("status").path("nodeInfo").path("kubeletVersion"))));
      }
      default -> c.add(age(now));
    }
    return c;
  }

  private static void addWorkloadWide(List<Column> c) {
    c.add(wide("Containers", o -> joinContainers(o, "name")));
    c.add(wide("Images", o -> joinContainers(o, "image")));
    c.add(wide("Selector", o -> {
      JsonNode sel = o.path("spec").path("selector");
      return sel.has("matchLabels") || sel.has("matchExpressions") ? LabelSelector.fromJson(sel).toString()
          : selectorString(sel);
    }));
  }

  private static String joinContainers(JsonNode o, String field) {
    List<String> parts = new ArrayList<>();
    for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
      parts.add(Json.text(c.path(field)));
    }
    return String.join(",", parts);
  }

  private static String selectorString(JsonNode map) {
    List<String> parts = new ArrayList<>();
    map.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    return String.join(",", parts);
  }

  private static String servicePorts(JsonNode o) {
    List<String> parts = new ArrayList<>();
    for (JsonNode p : o.path("spec").path("ports")) {
      String s = p.path("port").asText();
      if (p.has("nodePort")) {
        s += ":" + p.path("nodePort").asText();
      }
      parts.add(s + "/" + or(Json.text(p.path("protocol")), "TCP"));
    }
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }

  private static String nodeStatus(JsonNode o) {
    String status = "Unknown";
    for (JsonNode c : o.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        status = "True".equals(c.path("status").asText()) ? "Ready" : "NotReady";
      }
    }
    if (o.path("spec").path("unschedulable").asBoolean(false)) {
      status += ",SchedulingDisabled";
    }
    return status;
  }

  private static String podReady(JsonNode o) {
    int total = o.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode cs : o.path("status").path("containerStatuses")) {
      if (cs.path("ready").asBoolean(false)) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  private static Object podRestarts(JsonNode o) {
    int restarts = 0;
    for (JsonNode cs : o.path("status").path("containerStatuses")) {
      restarts += cs.path("restartCount").asInt(0);
    }
    return Integer.toString(restarts);
  }

  private static String podStatus(JsonNode o) {
    if (o.path("metadata").hasNonNull("deletionTimestamp")) {
      return "Terminating";
    }
    String reason = Json.text(o.path("status").path("reason"));
    if (!reason.isEmpty()) {
      return reason;
    }
    for (JsonNode cs : o.path("status").path("containerStatuses")) {
      String waiting = Json.text(cs.path("state").path("waiting").path("reason"));
      if (!waiting.isEmpty()) {
        return waiting;
      }
      String terminated = Json.text(cs.path("state").path("terminated").path("reason"));
      if (!terminated.isEmpty()) {
        return terminated;
      }
    }
    return or(Json.text(o.path("status").path("phase")), "Pending");
  }

  private static Column col(String name, Function<JsonNode, Object> cell) {
    return new Column(name, "string", "", 0, cell);
  }

  private static Column wide(String name, Function<JsonNode, Object> cell) {
    return new Column(name, "string", "", 1, cell);
  }

  private static Column age(Instant now) {
    return new Column("Age", "string", "", 0, o -> {
      String created = Json.metaText(o, "creationTimestamp");
      return created.isEmpty() ? "<unknown>" : humanDuration(Duration.between(Instant.parse(created), now));
    });
  }

  private static String or(String s, String fallback) {
    return s.isEmpty() ? fallback : s;
  }

  /** Kubernetes' short human duration: 45s, 5m10s, 3h, 2d5h, 400d. */
  static String humanDuration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
    }
    if (h < 48) {
      return h + "h";
    }
    if (h < 192) {
      return h / 24 + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
    }
    long days = h / 24;
    if (days < 365 * 2) {
      return days + "d";
    }
    if (days < 365 * 8) {
      return days / 365 + "y" + (days % 365 == 0 ? "" : (days % 365) + "d");
    }
    return days / 365 + "y";
  }
}
