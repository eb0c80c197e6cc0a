package io.tugboat.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.Optional;

/** Stand-in. */
public final class Discovery {
  private Discovery() {}

  public static ObjectNode apiVersions() {
    return Json.object();
  }

  public static ObjectNode apiGroupList() {
    return Json.object();
  }

  public static Optional<ObjectNode> apiGroup(String group) {
    return Optional.empty();
  }

  public static Optional<ObjectNode> apiResourceList(String group, String version) {
    return Optional.empty();
  }

  public static ObjectNode aggregated(boolean core, String discoveryVersion) {
    return Json.object();
  }
}
