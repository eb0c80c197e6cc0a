package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a pod's ConfigMaps and Secrets are read from (the store's watch cache in an agent, a map in tests), as
 * the decoded key → bytes of their data and binaryData (ConfigMap) or data and stringData (Secret).
 */
public interface PodSources {

  /** The ConfigMap's keys, or empty when there is none of that name. */
  Optional<Map<String, byte[]>> configMap(String namespace, String name);

  /** The Secret's keys (decoded), or empty when there is none of that name. */
  Optional<Map<String, byte[]>> secret(String namespace, String name);

  /** The PersistentVolumeClaim of that name, if any. */
  default Optional<JsonNode> claim(String namespace, String name) {
    return Optional.empty();
  }

  /** The PersistentVolume of that name, if any. */
  default Optional<JsonNode> persistentVolume(String name) {
    return Optional.empty();
  }

  /** Sources read from a watch cache. */
  static PodSources of(WatchCache cache) {
    ResourceType configMaps = ResourceRegistry.byPath("", "v1", "configmaps").orElseThrow();
    ResourceType secrets = ResourceRegistry.byPath("", "v1", "secrets").orElseThrow();
    ResourceType claims = ResourceRegistry.byPath("", "v1", "persistentvolumeclaims").orElseThrow();
    ResourceType volumes = ResourceRegistry.byPath("", "v1", "persistentvolumes").orElseThrow();
    return new PodSources() {
      @Override
      public Optional<Map<String, byte[]>> configMap(String namespace, String name) {
        return cache.get(ObjectKey.of(configMaps, namespace, name)).map(e -> configMapData(e.object()));
      }

      @Override
      public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        return cache.get(ObjectKey.of(secrets, namespace, name)).map(e -> secretData(e.object()));
      }

      @Override
      public Optional<JsonNode> claim(String namespace, String name) {
        return cache.get(ObjectKey.of(claims, namespace, name)).map(e -> e.object());
      }

      @Override
      public Optional<JsonNode> persistentVolume(String name) {
        return cache.get(ObjectKey.of(volumes, "", name)).map(e -> e.object());
      }
    };
  }

  /** A ConfigMap's data (UTF-8) and binaryData (base64), by key. */
  static Map<String, byte[]> configMapData(JsonNode cm) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    cm.path("data").fields().forEachRemaining(f -> out.put(f.getKey(),
        Json.text(f.getValue()).getBytes(StandardCharsets.UTF_8)));
    cm.path("binaryData").fields().forEachRemaining(f -> out.put(f.getKey(), decode(f.getValue())));
    return out;
  }

  /** A Secret's data (base64) and stringData (UTF-8, winning over data as the API server merges it). */
  static Map<String, byte[]> secretData(JsonNode secret) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    secret.path("data").fields().forEachRemaining(f -> out.put(f.getKey(), decode(f.getValue())));
    secret.path("stringData").fields().forEachRemaining(f -> out.put(f.getKey(),
        Json.text(f.getValue()).getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  private static byte[] decode(JsonNode value) {
    try {
      return Base64.getMimeDecoder().decode(Json.text(value));
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
