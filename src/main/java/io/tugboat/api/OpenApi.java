package io.tugboat.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.Optional;

/** Stand-in. */
public final class OpenApi {
  private OpenApi() {}

  public static ObjectNode v3Root() {
    return Json.object();
  }

  public static Optional<ObjectNode> v3GroupVersion(String gvPath) {
    return Optional.empty();
  }

  public static ObjectNode v2() {
    return Json.object();
  }
}
