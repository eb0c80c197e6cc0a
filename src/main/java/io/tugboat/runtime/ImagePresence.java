package io.tugboat.runtime;

/**
 * What a runtime may tell about its images without pulling (CRI's ImageStatus), so the node agent can honour
 * imagePullPolicy IfNotPresent and Never. A runtime without it is asked to pull every time, and Never is
 * trusted to find the image.
 */
public interface ImagePresence {

  /** Whether the image (any reference form) is present on this node. */
  boolean imagePresent(String image);
}
