package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.patch.JsonMergePatch;
import io.tugboat.model.patch.JsonPatch;
import io.tugboat.model.patch.PatchException;
import io.tugboat.model.patch.StrategicMergePatch;

/** Applies a PATCH body of any supported format to an object. */
public final class Patches {
  private Patches() {}

  /**
   * The patched object.
   *
   * @throws ApiException 400 when the patch does not apply or does not yield an object
   */
  public static ObjectNode apply(ResourceType type, ObjectNode current, PatchType patchType, JsonNode patch) {
    JsonNode result;
    try {
      result = switch (patchType) {
        case JSON -> {
          if (!patch.isArray()) {
            throw new ApiException(ApiError.badRequest("the body of a json patch must be a JSON array of operations"));
          }
          try {
            yield JsonPatch.apply(current, patch);
          } catch (PatchException e) {
            // The patch is well-formed but does not apply to this object: Kubernetes answers 422.
            throw new ApiException(new ApiError(422, "Invalid", e.getMessage(), null, null, java.util.List.of()));
          }
        }
        case MERGE -> {
          requireObject(patch, patchType);
          yield JsonMergePatch.apply(current, patch);
        }
        // Objects are applied by model.apply.ServerSideApply in the entity; here APPLY only reaches the /scale view,
        // where a strategic merge of the applied configuration is close enough.
        case STRATEGIC, APPLY -> {
          requireObject(patch, patchType);
          yield StrategicMergePatch.apply(type.kind(), current, patch);
        }
      };
    } catch (PatchException e) {
      throw new ApiException(ApiError.badRequest(e.getMessage()));
    }
    if (!(result instanceof ObjectNode obj)) {
      throw new ApiException(ApiError.badRequest("the patch did not yield an object"));
    }
    return obj;
  }

  private static void requireObject(JsonNode patch, PatchType type) {
    if (!patch.isObject()) {
      throw new ApiException(ApiError.badRequest("the body of a " + type.mediaType() + " patch must be a JSON object"));
    }
  }
}
