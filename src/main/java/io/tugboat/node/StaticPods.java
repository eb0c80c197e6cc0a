package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Static pods, as the kubelet's file source has them: each manifest in the node's manifest directory (one Pod,
 * YAML or JSON) is a pod of this node whatever the API says, shown in the API as a mirror pod named
 * {@code <name>-<node>}, bound to the node, owned by the Node object and annotated with the manifest's hash
 * ({@code kubernetes.io/config.mirror}, {@code config.hash}, {@code config.source: file}).
 *
 * <p>Pure: {@link #read} turns the directory into the mirror pods it asks for, {@link #plan} compares them with
 * the mirror pods that exist and says which to create and which to delete (a mirror pod deleted through the API
 * comes back at the next pass; a changed manifest replaces its pod; a removed one deletes it).
 */
final class StaticPods {
  private StaticPods() {}

  static final String MIRROR = "kubernetes.io/config.mirror";
  static final String HASH = "kubernetes.io/config.hash";
  static final String SOURCE = "kubernetes.io/config.source";

  /** What the directory asks for: mirror pods by namespace/name, and one message per manifest it could not use. */
  record Desired(Map<String, ObjectNode> pods, List<String> errors) {}

  /** The writes of one pass: mirror pods to create, and namespace/name keys of mirror pods to delete. */
  record Plan(List<ObjectNode> create, List<String> delete) {}

  /** Reads every *.yaml, *.yml and *.json file of {@code dir} (none when it does not exist). */
  static Desired read(Path dir, String nodeName, String nodeUid) {
    Map<String, ObjectNode> pods = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return new Desired(pods, errors);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().matches("[^.].*\\.(ya?ml|json)")).sorted().toList();
    } catch (IOException e) {
      errors.add(dir + ": " + e.getMessage());
      return new Desired(pods, errors);
    }
    for (Path file : files) {
      try {
        byte[] bytes = Files.readAllBytes(file);
        ObjectNode pod = mirror(Json.YAML.readTree(bytes), hash(bytes), nodeName, nodeUid, file);
        String key = Json.metaText(pod, "namespace") + "/" + Json.metaText(pod, "name");
        if (pods.putIfAbsent(key, pod) != null) {
          errors.add(file + ": another manifest already defines pod " + key);
        }
      } catch (IOException | IllegalArgumentException e) {
        errors.add(file + ": " + e.getMessage());
      }
    }
    return new Desired(pods, errors);
  }

  /** The mirror pod of one manifest. */
  static ObjectNode mirror(JsonNode manifest, String hash, String nodeName, String nodeUid, Path file) {
    if (manifest == null || !manifest.isObject() || !"Pod".equals(manifest.path("kind").asText())
        || !"v1".equals(manifest.path("apiVersion").asText())) {
      throw new IllegalArgumentException("not a v1 Pod manifest");
    }
    String name = Json.metaText(manifest, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the pod has no metadata.name");
    }
    ObjectNode pod = ((ObjectNode) manifest).deepCopy();
    ObjectNode meta = Json.meta(pod);
    meta.put("name", name + "-" + nodeName);
    if (Json.metaText(pod, "namespace").isEmpty()) {
      meta.put("namespace", "default");
    }
    for (String field : List.of("uid", "resourceVersion", "creationTimestamp", "generateName")) {
      meta.remove(field);
    }
    ObjectNode annotations = meta.has("annotations") && meta.get("annotations").isObject()
        ? (ObjectNode) meta.get("annotations") : meta.putObject("annotations");
    annotations.put(MIRROR, hash);
    annotations.put(HASH, hash);
    annotations.put(SOURCE, "file");
    annotations.put("kubernetes.io/config.seen", file.getFileName().toString());
    ArrayNode owners = meta.putArray("ownerReferences");
    owners.addObject().put("apiVersion", "v1").put("kind", "Node").put("name", nodeName).put("uid", nodeUid)
        .put("controller", true);
    ObjectNode spec = pod.has("spec") && pod.get("spec").isObject() ? (ObjectNode) pod.get("spec")
        : pod.putObject("spec");
    spec.put("nodeName", nodeName);
    pod.remove("status");
    return pod;
  }

  /**
   * The writes that make the mirror pods of {@code existing} (namespace/name to its config.mirror hash) equal to
   * {@code desired}: create what is missing, delete what no manifest asks for or was made from another version of
   * its manifest (recreated at the next pass, once it is gone).
   */
  static Plan plan(Map<String, ObjectNode> desired, Map<String, String> existing) {
    List<ObjectNode> create = new ArrayList<>();
    List<String> delete = new ArrayList<>();
    existing.forEach((key, hash) -> {
      ObjectNode want = desired.get(key);
      if (want == null || !want.path("metadata").path("annotations").path(MIRROR).asText().equals(hash)) {
        delete.add(key);
      }
    });
    desired.forEach((key, pod) -> {
      if (!existing.containsKey(key)) {
        create.add(pod);
      }
    });
    return new Plan(create, delete);
  }

  /** The manifest's hash as the kubelet's config.hash: hex, 32 digits. */
  static String hash(byte[] manifest) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest)).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
