package io.tugboat.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the store reads from an image's config blob (OCI image config, which docker's is a superset of). */
record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
    Map<String, String> labels, List<String> diffIds) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses a config; an error naming {@code what} when it is not JSON or has no rootfs.diff_ids. */
  static ImageConfig parse(byte[] bytes, Object what) {
    JsonNode doc;
    try {
      doc = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": the image config is not valid JSON: " + e.getMessage());
    }
    JsonNode diffIds = doc.path("rootfs").path("diff_ids");
    if (!diffIds.isArray()) {
      throw new IllegalArgumentException(what + ": the image config has no rootfs.diff_ids");
    }
    JsonNode c = doc.path("config");
    Map<String, String> labels = new TreeMap<>();
    c.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
        c.path("WorkingDir").asText(""), c.path("User").asText(""), Map.copyOf(labels), strings(diffIds));
  }

  /** The strings of a JSON array; empty for null or missing. */
  static List<String> strings(JsonNode array) {
    List<String> result = new ArrayList<>();
    array.forEach(n -> result.add(n.asText()));
    return List.copyOf(result);
  }
}
