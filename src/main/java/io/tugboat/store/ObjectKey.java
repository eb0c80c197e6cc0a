package io.tugboat.store;

import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;

/**
 * Identifies one stored object: its resource (group/plural), namespace ("" when cluster-scoped) and name.
 * The entity id is "group/plural/namespace/name" ("core" for the core group): names never hold a "/".
 */
public record ObjectKey(String storageKey, String namespace, String name) {

  /** The key of an object of this type. */
  public static ObjectKey of(ResourceType type, String namespace, String name) {
    return new ObjectKey(type.storageKey(), type.namespaced() ? namespace : "", name);
  }

  /** Parses an entity id. */
  public static ObjectKey parse(String entityId) {
    String[] p = entityId.split("/", -1);
    if (p.length != 4) {
      throw new IllegalArgumentException("not an object entity id: " + entityId);
    }
    return new ObjectKey(p[0] + "/" + p[1], p[2], p[3]);
  }

  /** Parses a persistence id "obj|group/plural/namespace/name". */
  public static ObjectKey fromPersistenceId(String persistenceId) {
    return parse(persistenceId.substring(persistenceId.indexOf('|') + 1));
  }

  /** The sharding entity id. */
  public String entityId() {
    return storageKey + "/" + namespace + "/" + name;
  }

  /** The persistence id of the object's entity. */
  public String persistenceId() {
    return ObjectEntity.TYPE_KEY.name() + "|" + entityId();
  }

  /** The stored (preferred) resource type. */
  public ResourceType type() {
    return ResourceRegistry.byStorageKey(storageKey)
        .orElseThrow(() -> new IllegalArgumentException("unknown resource " + storageKey));
  }

  /** The plural resource name, as Status messages name it ("pods", "deployments.apps"). */
  public String resourceName() {
    String group = storageKey.substring(0, storageKey.indexOf('/'));
    String plural = storageKey.substring(storageKey.indexOf('/') + 1);
    return group.equals("core") ? plural : plural + "." + group;
  }

  /** "namespace/name", or the name for cluster-scoped objects: the order of lists. */
  public String sortKey() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
