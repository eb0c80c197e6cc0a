package io.tugboat.model.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/** JSON merge patch (RFC 7386), as served for {@code application/merge-patch+json}. */
public final class JsonMergePatch {

  private JsonMergePatch() {}

  /**
   * Applies {@code patch} to a copy of {@code target} (null meaning absent); neither argument is modified. A patch
   * that is not an object, JSON null included, replaces the target.
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    Objects.requireNonNull(patch, "patch");
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    return merge(target == null ? null : target.deepCopy(), patch);
  }

  // `owned` is already a private copy, so it is changed in place rather than copied again at every level.
  private static JsonNode merge(JsonNode owned, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = owned != null && owned.isObject() ? (ObjectNode) owned : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }
}
