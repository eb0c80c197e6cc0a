package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files of configMap, secret, downwardAPI and projected volumes, as pure functions of the pod and its
 * sources: relative path → content and mode, as the kubelet's volume plugins compute them before the atomic
 * writer puts them on disk.
 */
public final class VolumePayloads {
  private VolumePayloads() {}

  /** One file of a volume: its bytes and permission bits. */
  public record FileContent(byte[] data, int mode) {
    @Override
    public boolean equals(Object o) {
      return o instanceof FileContent f && f.mode == mode && java.util.Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(data) * 31 + mode;
    }
  }

  private static final int DEFAULT_MODE = 0644;

  /** The plugin directory a kind of volume lives in, as the kubelet names them; null for hostPath and PVCs. */
  public static String plugin(JsonNode volume) {
    if (volume.has("emptyDir")) {
      return "kubernetes.io~empty-dir";
    }
    if (volume.has("configMap")) {
      return "kubernetes.io~configmap";
    }
    if (volume.has("secret")) {
      return "kubernetes.io~secret";
    }
    if (volume.has("downwardAPI")) {
      return "kubernetes.io~downward-api";
    }
    if (volume.has("projected")) {
      return "kubernetes.io~projected";
    }
    return null;
  }

  /** The files of a configMap, secret, downwardAPI or projected volume; null for other kinds. */
  public static Map<String, FileContent> payload(JsonNode pod, JsonNode volume, PodSources sources,
      EnvResolver.PodContext ctx) throws ConfigError {
    String ns = Json.metaText(pod, "namespace");
    Map<String, FileContent> out = new LinkedHashMap<>();
    if (volume.has("configMap")) {
      JsonNode v = volume.path("configMap");
      keys(out, v, "configmap", Json.text(v.path("name")), sources.configMap(ns, Json.text(v.path("name"))),
          mode(v.path("defaultMode"), DEFAULT_MODE));
    } else if (volume.has("secret")) {
      JsonNode v = volume.path("secret");
      keys(out, v, "secret", Json.text(v.path("secretName")), sources.secret(ns, Json.text(v.path("secretName"))),
          mode(v.path("defaultMode"), DEFAULT_MODE));
    } else if (volume.has("downwardAPI")) {
      JsonNode v = volume.path("downwardAPI");
      downward(out, pod, v.path("items"), mode(v.path("defaultMode"), DEFAULT_MODE), ctx);
    } else if (volume.has("projected")) {
      JsonNode v = volume.path("projected");
      int defaultMode = mode(v.path("defaultMode"), DEFAULT_MODE);
      for (JsonNode source : v.path("sources")) {
        if (source.has("configMap")) {
          JsonNode s = source.path("configMap");
          keys(out, s, "configmap", Json.text(s.path("name")), sources.configMap(ns, Json.text(s.path("name"))),
              defaultMode);
        } else if (source.has("secret")) {
          JsonNode s = source.path("secret");
          keys(out, s, "secret", Json.text(s.path("name")), sources.secret(ns, Json.text(s.path("name"))),
              defaultMode);
        } else if (source.has("downwardAPI")) {
          downward(out, pod, source.path("downwardAPI").path("items"), defaultMode, ctx);
        }
      }
    } else {
      return null;
    }
    return out;
  }

  private static void keys(Map<String, FileContent> out, JsonNode v, String kind, String name,
      Optional<Map<String, byte[]>> data, int defaultMode) throws ConfigError {
    boolean optional = v.path("optional").asBoolean(false);
    if (data.isEmpty()) {
      if (optional) {
        return;
      }
      throw new ConfigError("FailedMount", kind + " \"" + name + "\" not found");
    }
    if (!v.path("items").isArray() || v.path("items").isEmpty()) {
      for (Map.Entry<String, byte[]> kv : data.get().entrySet()) {
        out.put(kv.getKey(), new FileContent(kv.getValue(), defaultMode));
      }
      return;
    }
    for (JsonNode item : v.path("items")) {
      String key = Json.text(item.path("key"));
      byte[] value = data.get().get(key);
      if (value == null) {
        if (optional) {
          continue;
        }
        throw new ConfigError("FailedMount", kind + " references non-existent " + (kind.equals("secret")
            ? "secret" : "config") + " key: " + key);
      }
      out.put(checkedPath(Json.text(item.path("path"))), new FileContent(value, mode(item.path("mode"),
          defaultMode)));
    }
  }

  private static void downward(Map<String, FileContent> out, JsonNode pod, JsonNode items, int defaultMode,
      EnvResolver.PodContext ctx) throws ConfigError {
    for (JsonNode item : items) {
      String value;
      if (item.has("fieldRef")) {
        value = EnvResolver.fieldValue(pod, Json.text(item.path("fieldRef").path("fieldPath")), ctx);
      } else if (item.has("resourceFieldRef")) {
        JsonNode ref = item.path("resourceFieldRef");
        JsonNode container = pod.path("spec").path("containers").path(0);
        value = EnvResolver.resourceValue(pod, container, ref, ctx);
      } else {
        continue;
      }
      out.put(checkedPath(Json.text(item.path("path"))), new FileContent(value.getBytes(StandardCharsets.UTF_8),
          mode(item.path("mode"), defaultMode)));
    }
  }

  /** A relative path inside a volume; absolute paths, ".." and "..data" are refused as the API does. */
  static String checkedPath(String path) throws ConfigError {
    if (path.isEmpty() || path.startsWith("/") || path.startsWith("..")) {
      throw new ConfigError("FailedMount", "invalid path \"" + path + "\": must be relative and may not start "
          + "with '..'");
    }
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        throw new ConfigError("FailedMount", "invalid path \"" + path + "\": must not contain '..'");
      }
    }
    return path;
  }

  private static int mode(JsonNode m, int fallback) {
    return m.isNumber() ? m.asInt() & 0777 : fallback;
  }
}
