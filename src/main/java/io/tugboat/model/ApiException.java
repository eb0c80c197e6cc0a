package io.tugboat.model;

/** Carries an {@link ApiError} through futures and call stacks to the API layer. */
public final class ApiException extends RuntimeException {
  private final ApiError error;

  public ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  /** The Status to send to the client. */
  public ApiError error() {
    return error;
  }
}
