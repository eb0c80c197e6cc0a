package io.tugboat.model.patch;

/** Stand-in. */
public class PatchException extends RuntimeException {
  public PatchException(String message) {
    super(message);
  }
}
