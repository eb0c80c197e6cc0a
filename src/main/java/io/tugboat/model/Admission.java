package io.tugboat.model;

/** Stand-in, replaced by the admission rules. */
public final class Admission {
  private Admission() {}

  public static KindRules rulesFor(ResourceType type) {
    return new KindRules() {};
  }
}
