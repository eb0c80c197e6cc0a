package io.tugboat.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.Map;

/** Small manifests for API tests, as kubectl would send them. */
final class Manifests {
  private Manifests() {}

  static ObjectNode configMap(String name, Map<String, String> data) {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", name);
    ObjectNode d = cm.putObject("data");
    data.forEach(d::put);
    return cm;
  }

  static ObjectNode configMap(String name) {
    return configMap(name, Map.of("k", "v"));
  }

  static ObjectNode labelled(ObjectNode obj, Map<String, String> labels) {
    ObjectNode l = Json.meta(obj).putObject("labels");
    labels.forEach(l::put);
    return obj;
  }

  static ObjectNode deployment(String name, int replicas) {
    ObjectNode d = Json.object().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", name).putObject("labels").put("app", name);
    ObjectNode spec = d.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ArrayNode containers = template.putObject("spec").putArray("containers");
    containers.addObject().put("name", "web").put("image", "nginx:1.14-alpine");
    containers.addObject().put("name", "sidecar").put("image", "busybox:1.36");
    return d;
  }

  static ObjectNode pod(String name) {
    ObjectNode p = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    p.putObject("metadata").put("name", name);
    p.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
    return p;
  }

  static ObjectNode namespace(String name) {
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    ns.putObject("metadata").put("name", name);
    return ns;
  }
}
