package io.tugboat.model;

import java.util.Optional;

/** The PATCH body formats Kubernetes accepts, by Content-Type. */
public enum PatchType {
  JSON("application/json-patch+json"),
  MERGE("application/merge-patch+json"),
  STRATEGIC("application/strategic-merge-patch+json"),
  APPLY("application/apply-patch+yaml");

  private final String mediaType;

  PatchType(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The Content-Type naming this format. */
  public String mediaType() {
    return mediaType;
  }

  /** The format for a Content-Type (parameters ignored), if it is one. */
  public static Optional<PatchType> fromMediaType(String contentType) {
    String base = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    for (PatchType t : values()) {
      if (t.mediaType.equals(base)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
