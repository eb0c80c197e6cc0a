package io.tugboat.api.streaming;

/**
 * The pod a stream addresses: its namespace and name, its uid so a recreated pod is never confused with it, and
 * the node it runs on (whose agent serves the stream).
 */
public record PodRef(String namespace, String name, String uid, String node) {

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
