package io.tugboat.api;

import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.Optional;

/**
 * What a resource URL addresses: /api/v1/... or /apis/{group}/{version}/..., optionally namespaced, a
 * collection or one object, optionally a subresource. {@code namespace} is null for "all namespaces".
 */
record Target(ResourceType type, String namespace, String name, String subresource) {

  /** Whether the URL names one object rather than a collection. */
  boolean isObject() {
    return name != null;
  }

  /**
   * Parses a path under /api or /apis, or returns empty when it is not a resource path (discovery).
   *
   * @throws ApiException 404 for an unknown resource
   */
  static Optional<Target> parse(String path) {
    String[] s = path.replaceAll("/+$", "").split("/");
    // s[0] is "" (leading slash)
    int i;
    String group;
    String version;
    if (s.length >= 4 && s[1].equals("api")) {
      group = "";
      version = s[2];
      i = 3;
    } else if (s.length >= 5 && s[1].equals("apis")) {
      group = s[2];
      version = s[3];
      i = 4;
    } else {
      return Optional.empty();
    }
    String namespace = null;
    int rest = s.length - i;
    if (s[i].equals("namespaces") && rest >= 3 && !(rest == 3 && (s[i + 2].equals("status")
        || s[i + 2].equals("finalize")))) {
      namespace = s[i + 1];
      i += 2;
      rest -= 2;
    }
    String plural = s[i];
    ResourceType type = ResourceRegistry.byPath(group, version, plural).orElseThrow(() -> new ApiException(
        new ApiError(404, "NotFound", "the server could not find the requested resource", plural, null,
            java.util.List.of())));
    String name = rest >= 2 ? s[i + 1] : null;
    String sub = rest >= 3 ? s[i + 2] : null;
    if (rest > 3) {
      throw new ApiException(new ApiError(404, "NotFound", "the server could not find the requested resource", null,
          null, java.util.List.of()));
    }
    if (type.namespaced() && name != null && namespace == null) {
      // A namespaced object must be addressed within its namespace.
      throw new ApiException(new ApiError(404, "NotFound", "the server could not find the requested resource", null,
          null, java.util.List.of()));
    }
    if (!type.namespaced() && namespace != null) {
      throw new ApiException(new ApiError(404, "NotFound", "the server could not find the requested resource", null,
          null, java.util.List.of()));
    }
    return Optional.of(new Target(type, namespace, name, sub));
  }
}
