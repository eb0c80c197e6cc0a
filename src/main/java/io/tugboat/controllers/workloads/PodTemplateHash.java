package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod-template-hash of a Deployment's template: FNV-32a, as Kubernetes' ComputeHash, over the template and
 * the collisionCount (8 bytes, the count little-endian), rendered with Kubernetes' SafeEncodeString. Kubernetes
 * hashes the Go struct as spew prints it, which Java cannot reproduce; this hashes the template's canonical JSON
 * (keys sorted, numbers by value) instead, so the value is stable across restarts and JVMs but differs from the
 * one kube-controller-manager would pick for the same template.
 */
public final class PodTemplateHash {

  /** The label that tells a Deployment's ReplicaSets (and their pods) apart. */
  public static final String LABEL = "pod-template-hash";

  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private PodTemplateHash() {}

  /** The hash of {@code template} with {@code collisionCount} (null when none was ever needed). */
  public static String compute(JsonNode template, Integer collisionCount) {
    int hash = 0x811c9dc5;
    for (byte b : canonical(template).getBytes(StandardCharsets.UTF_8)) {
      hash = fnv(hash, b);
    }
    if (collisionCount != null) {
      int c = collisionCount;
      byte[] bytes = {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24), 0, 0, 0, 0};
      for (byte b : bytes) {
        hash = fnv(hash, b);
      }
    }
    return safeEncode(Long.toString(Integer.toUnsignedLong(hash)));
  }

  private static int fnv(int hash, byte b) {
    return (hash ^ (b & 0xff)) * 0x01000193;
  }

  /** Kubernetes' rand.SafeEncodeString: each byte mapped onto consonants and digits no word can be spelt with. */
  static String safeEncode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      sb.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
    }
    return sb.toString();
  }

  /** JSON with object keys sorted and numbers written by value, so equal templates hash equally. */
  static String canonical(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(node, sb);
    return sb.toString();
  }

  private static void write(JsonNode node, StringBuilder sb) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      sb.append("null");
    } else if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), e.getValue());
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()).toString()).append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (node.isArray()) {
      sb.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(node.get(i), sb);
      }
      sb.append(']');
    } else if (node.isNumber()) {
      sb.append(node.decimalValue().stripTrailingZeros().toPlainString());
    } else {
      sb.append(node.toString());
    }
  }
}
