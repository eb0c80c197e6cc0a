package io.tugboat.model.apply;

/** An applied configuration or a managedFields entry that cannot be read; the API answers 400. */
final class ApplyException extends RuntimeException {
  ApplyException(String message) {
    super(message);
  }
}
