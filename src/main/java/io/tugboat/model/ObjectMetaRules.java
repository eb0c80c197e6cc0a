package io.tugboat.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Stand-in, replaced by the admission rules. */
public final class ObjectMetaRules {
  private ObjectMetaRules() {}

  public static List<FieldError> validateCreate(ResourceType type, ObjectNode obj) {
    return List.of();
  }

  public static List<FieldError> validateUpdate(ResourceType type, ObjectNode obj, ObjectNode old) {
    return List.of();
  }
}
