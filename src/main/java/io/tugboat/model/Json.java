package io.tugboat.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Iterator;
import java.util.Map;

/** The JSON and YAML mappers of the whole server, and small accessors for object trees. */
public final class Json {
  /** JSON mapper; rejects duplicate keys so a manifest never silently loses a field. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  /** YAML mapper for manifests and `-o yaml` style responses. */
  public static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  /** Node factory for building trees. */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static {
    MAPPER.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** The metadata object of an object, created if missing. */
  public static ObjectNode meta(ObjectNode obj) {
    JsonNode m = obj.get("metadata");
    if (m instanceof ObjectNode o) {
      return o;
    }
    return obj.putObject("metadata");
  }

  /** A text field of the metadata, or "" when absent. */
  public static String metaText(JsonNode obj, String field) {
    return text(obj.path("metadata").path(field));
  }

  /** A node's text, or "" when missing or null. */
  public static String text(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() ? "" : node.asText();
  }

  /** The value at a dotted path such as "spec.nodeName", "" when absent (for field selectors). */
  public static String dotted(JsonNode obj, String path) {
    JsonNode n = obj;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    if (n.isContainerNode()) {
      return n.toString();
    }
    return text(n);
  }

  /** The string map in a labels/annotations node, empty when absent. */
  public static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    if (node != null && node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), text(e.getValue()));
      }
    }
    return m;
  }

  /** Whether a node is absent, null, or an empty array/object. */
  public static boolean isEmpty(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() || (node.isContainerNode() && node.isEmpty());
  }
}
