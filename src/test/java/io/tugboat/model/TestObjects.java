package io.tugboat.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.stream.Collectors;

/** Test helpers: objects written as YAML, and error lists reduced to "field: message" lines. */
public final class TestObjects {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private TestObjects() {}

  /** Parses a YAML document into an ObjectNode. */
  public static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The served type for apiVersion and kind. */
  public static ResourceType type(String apiVersion, String kind) {
    return ResourceRegistry.byKind(apiVersion, kind).orElseThrow();
  }

  /** Each error as Kubernetes prints it. */
  public static List<String> described(List<FieldError> errors) {
    return errors.stream().map(FieldError::describe).collect(Collectors.toList());
  }

  /** The fields the errors are about. */
  public static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(FieldError::field).collect(Collectors.toList());
  }
}
