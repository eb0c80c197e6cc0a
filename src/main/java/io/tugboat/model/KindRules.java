package io.tugboat.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Stand-in, replaced by the admission rules. */
public interface KindRules {
  default void applyDefaults(ObjectNode obj) {}

  default List<FieldError> validate(ObjectNode obj) {
    return List.of();
  }

  default List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    return List.of();
  }
}
