package io.tugboat.api.streaming;

/** The pod a stream addresses: its namespace and name, and its uid so a recreated pod is never confused with it. */
public record PodRef(String namespace, String name, String uid) {

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
