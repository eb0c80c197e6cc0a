package io.tugboat.model;

import java.util.List;

/**
 * One served resource: its group/version/kind, REST names and capabilities, as discovery
 * documents it. Objects are stored under {@link #storageKey()}, shared by all served versions;
 * {@code storedWith} is null unless another group's resource holds the objects.
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    boolean hasStatus,
    boolean hasScale,
    Class<?> modelClass,
    String storedWith) {

  /** "v1" for the core group, "apps/v1" otherwise. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The list kind, e.g. PodList. */
  public String listKind() {
    return kind + "List";
  }

  /**
   * Group and plural: identifies the stored objects whatever version serves them. A resource served by two
   * groups (events.k8s.io Events are core Events) names the storage it shares in {@code storedWith}.
   */
  public String storageKey() {
    return storedWith != null ? storedWith : (group.isEmpty() ? "core" : group) + "/" + plural;
  }

  /** URL prefix of this group-version: /api/v1 or /apis/apps/v1. */
  public String groupVersionPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }
}
