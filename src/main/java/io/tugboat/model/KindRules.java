package io.tugboat.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One kind's admission strategy: defaulting, then validation on create, or validation against the stored object. */
public interface KindRules {

  /** Applies Kubernetes' defaults for this kind, in place. */
  default void applyDefaults(ObjectNode obj) {}

  /** Carries over from the stored object what the server allocated and an update may leave out, in place. */
  default void prepareUpdate(ObjectNode obj, ObjectNode old) {}

  /** Checks required fields and allowed values of a defaulted object. */
  default List<FieldError> validate(ObjectNode obj) {
    return List.of();
  }

  /** Checks an update against the stored object: immutable fields and the like (validate runs as well). */
  default List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    return List.of();
  }
}
