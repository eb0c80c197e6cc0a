package io.tugboat.model.patch;

/** A patch that cannot be applied; the message is meant for the client that sent it. */
public class PatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PatchException(String message) {
    super(message);
  }
}
