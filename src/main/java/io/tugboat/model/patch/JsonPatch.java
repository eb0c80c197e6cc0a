package io.tugboat.model.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** Stand-in. */
public final class JsonPatch {
  private JsonPatch() {}

  public static JsonNode apply(JsonNode target, JsonNode operations) {
    throw new PatchException("json patch not yet supported");
  }
}
