package io.tugboat.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of /api and /apis, legacy (APIVersions, APIGroupList, APIGroup, APIResourceList) and
 * aggregated (APIGroupDiscoveryList v2 and v2beta1), built from the registry and the few {@link #VIRTUAL}
 * resources served without storage. Resources keep registry order: kubectl lists the "all" category in discovery
 * order.
 */
public final class Discovery {

  /** The server address the legacy /api document advertises when none is given. */
  public static final String DEFAULT_SERVER_ADDRESS = "127.0.0.1:6443";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
  private static final List<String> DISCOVERY_VERSIONS = List.of("v2", "v2beta1");

  /** A subresource served beside the registry's status and scale: what it answers with and which verbs. */
  private record Extra(String name, String group, String version, String kind, List<String> verbs) {}

  /**
   * Subresources that the registry does not model, keyed by storage key ("core/pods"). Only those Tugboat
   * serves; kubectl needs none of them in discovery, but clients that check discovery first do.
   */
  private static final Map<String, List<Extra>> EXTRAS = Map.of(
      "core/pods", List.of(
          new Extra("attach", "", "v1", "PodAttachOptions", List.of("create", "get")),
          new Extra("binding", "", "v1", "Binding", List.of("create")),
          new Extra("eviction", "policy", "v1", "Eviction", List.of("create")),
          new Extra("exec", "", "v1", "PodExecOptions", List.of("create", "get")),
          new Extra("log", "", "v1", "Pod", List.of("get")),
          new Extra("portforward", "", "v1", "PodPortForwardOptions", List.of("create", "get"))),
      "core/namespaces", List.of(new Extra("finalize", "", "v1", "Namespace", List.of("update"))));

  /** A resource computed on read, never stored (so not in the registry): only get and list, no categories. */
  record Virtual(String group, String version, String plural, String kind, boolean namespaced, List<String> verbs) {}

  /**
   * The resources served beside the registry's, after its groups: metrics.k8s.io as metrics-server serves it
   * (kubectl top looks for the group in discovery before asking, else "Metrics API not available").
   */
  static final List<Virtual> VIRTUAL = List.of(
      new Virtual("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false, List.of("get", "list")),
      new Virtual("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true, List.of("get", "list")));

  private Discovery() {}

  /** GET /api (legacy): the core versions and the address clients should use. */
  public static ObjectNode apiVersions() {
    return apiVersions(DEFAULT_SERVER_ADDRESS);
  }

  /** GET /api (legacy), advertising {@code serverAddress} (host:port) to every client network. */
  public static ObjectNode apiVersions(String serverAddress) {
    ObjectNode doc = JSON.objectNode().put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    doc.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", serverAddress);
    return doc;
  }

  /** GET /apis (legacy): every non-core group with its versions in preference order. */
  public static ObjectNode apiGroupList() {
    ObjectNode doc = JSON.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    groups().forEach((name, versions) -> groups.add(group(name, versions)));
    return doc;
  }

  /** GET /apis/{group} (legacy): one group, or empty when it is not served (the core group is not, here). */
  public static Optional<ObjectNode> apiGroup(String group) {
    List<String> versions = groups().get(group);
    if (versions == null) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.objectNode().put("kind", "APIGroup").put("apiVersion", "v1");
    doc.setAll(group(group, versions));
    return Optional.of(doc);
  }

  /** GET /api/v1 or /apis/{group}/{version} (legacy): the resources and subresources of one group-version. */
  public static Optional<ObjectNode> apiResourceList(String group, String version) {
    List<ResourceType> types = types(group, version);
    List<Virtual> virtual = virtual(group, version);
    if (types.isEmpty() && virtual.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.objectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = doc.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = resources.addObject().put("name", t.plural()).put("singularName", t.singular())
          .put("namespaced", t.namespaced()).put("kind", t.kind());
      strings(r, "verbs", verbs(t));
      if (!t.shortNames().isEmpty()) {
        strings(r, "shortNames", t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        strings(r, "categories", t.categories());
      }
      for (Extra sub : subresources(t)) {
        ObjectNode s = resources.addObject().put("name", t.plural() + "/" + sub.name()).put("singularName", "")
            .put("namespaced", t.namespaced());
        if (!sub.group().equals(t.group()) || !sub.version().equals(t.version())) {
          s.put("group", sub.group()).put("version", sub.version());
        }
        s.put("kind", sub.kind());
        strings(s, "verbs", sub.verbs());
      }
    }
    for (Virtual v : virtual) {
      ObjectNode r = resources.addObject().put("name", v.plural()).put("singularName", "")
          .put("namespaced", v.namespaced()).put("kind", v.kind());
      strings(r, "verbs", v.verbs());
    }
    return Optional.of(doc);
  }

  /**
   * GET /api ({@code core}) or /apis, aggregated: an APIGroupDiscoveryList in apidiscovery.k8s.io/{@code
   * discoveryVersion}, "v2" or "v2beta1" (the two differ only in apiVersion).
   */
  public static ObjectNode aggregated(boolean core, String discoveryVersion) {
    if (!DISCOVERY_VERSIONS.contains(discoveryVersion)) {
      throw new IllegalArgumentException("discovery version must be one of " + DISCOVERY_VERSIONS + ", not "
          + discoveryVersion);
    }
    ObjectNode doc = JSON.objectNode().put("kind", "APIGroupDiscoveryList")
        .put("apiVersion", "apidiscovery.k8s.io/" + discoveryVersion);
    doc.putObject("metadata");
    ArrayNode items = doc.putArray("items");
    if (core) {
      items.add(groupDiscovery("", List.of("v1")));
    } else {
      groups().forEach((name, versions) -> items.add(groupDiscovery(name, versions)));
    }
    return doc;
  }

  /** The verbs of a resource's main endpoint; like Kubernetes, namespaces cannot be deleted as a collection. */
  static List<String> verbs(ResourceType t) {
    if (t.group().isEmpty() && t.plural().equals("namespaces")) {
      return ALL_VERBS.stream().filter(v -> !v.equals("deletecollection")).toList();
    }
    return ALL_VERBS;
  }

  /** Every subresource of a resource: status and scale from the registry, then the extras, in name order. */
  private static List<Extra> subresources(ResourceType t) {
    List<Extra> subs = new ArrayList<>(EXTRAS.getOrDefault(t.storageKey(), List.of()));
    if (t.hasScale()) {
      subs.add(new Extra("scale", "autoscaling", "v1", "Scale", STATUS_VERBS));
    }
    if (t.hasStatus()) {
      subs.add(new Extra("status", t.group(), t.version(), t.kind(), STATUS_VERBS));
    }
    subs.sort((a, b) -> a.name().compareTo(b.name()));
    return subs;
  }

  private static ObjectNode groupDiscovery(String group, List<String> versions) {
    ObjectNode item = JSON.objectNode();
    item.putObject("metadata").put("name", group);
    ArrayNode out = item.putArray("versions");
    for (String version : versions) {
      ObjectNode v = out.addObject().put("version", version);
      ArrayNode resources = v.putArray("resources");
      types(group, version).forEach(t -> resources.add(resourceDiscovery(t)));
      for (Virtual virtual : virtual(group, version)) {
        ObjectNode r = resources.addObject().put("resource", virtual.plural());
        r.set("responseKind", kind(group, version, virtual.kind()));
        r.put("scope", virtual.namespaced() ? "Namespaced" : "Cluster").put("singularResource", "");
        strings(r, "verbs", virtual.verbs());
      }
      v.put("freshness", "Current");
    }
    return item;
  }

  private static ObjectNode resourceDiscovery(ResourceType t) {
    ObjectNode r = JSON.objectNode().put("resource", t.plural());
    r.set("responseKind", kind(t.group(), t.version(), t.kind()));
    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster").put("singularResource", t.singular());
    strings(r, "verbs", verbs(t));
    if (!t.shortNames().isEmpty()) {
      strings(r, "shortNames", t.shortNames());
    }
    if (!t.categories().isEmpty()) {
      strings(r, "categories", t.categories());
    }
    List<Extra> subs = subresources(t);
    if (!subs.isEmpty()) {
      ArrayNode out = r.putArray("subresources");
      for (Extra sub : subs) {
        ObjectNode s = out.addObject().put("subresource", sub.name());
        s.set("responseKind", kind(sub.group(), sub.version(), sub.kind()));
        strings(s, "verbs", sub.verbs());
      }
    }
    return r;
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode g = JSON.objectNode().put("name", name);
    ArrayNode out = g.putArray("versions");
    versions.forEach(v -> out.add(groupVersion(name, v)));
    g.set("preferredVersion", groupVersion(name, versions.get(0)));
    return g;
  }

  private static ObjectNode groupVersion(String group, String version) {
    return JSON.objectNode().put("groupVersion", group + "/" + version).put("version", version);
  }

  private static ObjectNode kind(String group, String version, String kind) {
    return JSON.objectNode().put("group", group).put("version", version).put("kind", kind);
  }

  /** The registry's groups, then those only virtual resources have, each with its versions. */
  private static Map<String, List<String>> groups() {
    Map<String, List<String>> groups = ResourceRegistry.groups();
    for (Virtual v : VIRTUAL) {
      List<String> versions = groups.computeIfAbsent(v.group(), g -> new ArrayList<>());
      if (!versions.contains(v.version())) {
        versions.add(v.version());
      }
    }
    return groups;
  }

  private static List<Virtual> virtual(String group, String version) {
    return VIRTUAL.stream().filter(v -> v.group().equals(group) && v.version().equals(version)).toList();
  }

  private static List<ResourceType> types(String group, String version) {
    return ResourceRegistry.all().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version))
        .toList();
  }

  private static void strings(ObjectNode node, String field, List<String> values) {
    ArrayNode array = node.putArray(field);
    values.forEach(array::add);
  }
}
