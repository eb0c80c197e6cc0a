package io.tugboat.model;

import java.util.List;

/**
 * One served resource: its group/version/kind, REST names and capabilities, as discovery
 * documents it. Objects are stored under {@link #storageKey()}, shared by all served versions.
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
    Class<?> modelClass) {

  /** "v1" for the core group, "apps/v1" otherwise. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The list kind, e.g. PodList. */
  public String listKind() {
    return kind + "List";
  }

  /** Group and plural: identifies the stored objects whatever version serves them. */
  public String storageKey() {
    return (group.isEmpty() ? "core" : group) + "/" + plural;
  }

  /** URL prefix of this group-version: /api/v1 or /apis/apps/v1. */
  public String groupVersionPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }
}
