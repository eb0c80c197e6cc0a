package io.tugboat.model;

/** Which part of an object a write addresses: the object itself, or its status subresource. */
public enum Subresource {
  MAIN,
  STATUS
}
