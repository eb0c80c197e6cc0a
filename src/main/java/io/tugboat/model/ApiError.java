package io.tugboat.model;

import java.util.List;

/**
 * A failure to report to a client as a Kubernetes {@code Status}: HTTP code, reason
 * (NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Forbidden, ...), a message that says what to
 * change, and the object it is about. Serializable so entities can send it across the cluster.
 */
public record ApiError(int code, String reason, String message, String kind, String name, List<FieldError> causes)
    implements io.tugboat.store.CborSerializable {

  public ApiError {
    causes = causes == null ? List.of() : List.copyOf(causes);
  }

  /** 400 BadRequest. */
  public static ApiError badRequest(String message) {
    return new ApiError(400, "BadRequest", message, null, null, List.of());
  }

  /** 404 NotFound: `pods "x" not found`. */
  public static ApiError notFound(String resource, String name) {
    return new ApiError(404, "NotFound", resource + " \"" + name + "\" not found", resource, name, List.of());
  }

  /** 409 AlreadyExists. */
  public static ApiError alreadyExists(String resource, String name) {
    return new ApiError(409, "AlreadyExists", resource + " \"" + name + "\" already exists", resource, name, List.of());
  }

  /** 409 Conflict, for a stale resourceVersion or a failed precondition. */
  public static ApiError conflict(String resource, String name, String detail) {
    return new ApiError(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + detail,
        resource, name, List.of());
  }

  /** 422 Invalid with one cause per field. */
  public static ApiError invalid(String kind, String name, List<FieldError> causes) {
    StringBuilder sb = new StringBuilder(kind).append(" \"").append(name == null ? "" : name).append("\" is invalid: ");
    if (causes.size() == 1) {
      sb.append(causes.get(0).describe());
    } else {
      sb.append('[');
      for (int i = 0; i < causes.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(causes.get(i).describe());
      }
      sb.append(']');
    }
    return new ApiError(422, "Invalid", sb.toString(), kind, name, causes);
  }

  /** 403 Forbidden. */
  public static ApiError forbidden(String resource, String name, String detail) {
    return new ApiError(403, "Forbidden", resource + " \"" + name + "\" is forbidden: " + detail, resource, name,
        List.of());
  }

  /** 405 MethodNotAllowed. */
  public static ApiError methodNotAllowed(String message) {
    return new ApiError(405, "MethodNotAllowed", message, null, null, List.of());
  }

  /** 415 UnsupportedMediaType. */
  public static ApiError unsupportedMediaType(String contentType) {
    return new ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media"
        + " types include: application/json, application/yaml", null, null, List.of());
  }

  /** 500 InternalError. */
  public static ApiError internal(String message) {
    return new ApiError(500, "InternalError", "Internal error occurred: " + message, null, null, List.of());
  }

  /** 504 Timeout. */
  public static ApiError timeout(String message) {
    return new ApiError(504, "Timeout", message, null, null, List.of());
  }
}
