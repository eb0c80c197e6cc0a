package io.tugboat.model.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** Stand-in. */
public final class StrategicMergePatch {
  private StrategicMergePatch() {}

  public static JsonNode apply(String kind, JsonNode target, JsonNode patch) {
    return JsonMergePatch.apply(target, patch);
  }
}
