package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;

/** ControllerRevisions (apps/v1): the template history DaemonSets and StatefulSets keep. */
final class Revisions {

  private Revisions() {}

  /**
   * A new ControllerRevision {@code <owner>-<hash>} of the owner: the template's labels plus {@code hashLabel}
   * (DaemonSets use controller-revision-hash, Kubernetes' history package controller.kubernetes.io/hash), the
   * owner's controller reference, {@code data} and the revision number.
   */
  static ObjectNode of(JsonNode owner, JsonNode data, String hashLabel, String hash, long number) {
    ObjectNode rev = Json.object();
    rev.put("apiVersion", "apps/v1");
    rev.put("kind", "ControllerRevision");
    ObjectNode meta = Json.meta(rev);
    meta.put("name", Json.metaText(owner, "name") + "-" + hash);
    meta.put("namespace", Json.metaText(owner, "namespace"));
    ObjectNode labels = meta.putObject("labels");
    Json.stringMap(owner.path("spec").path("template").path("metadata").path("labels")).forEach(labels::put);
    labels.put(hashLabel, hash);
    meta.putArray("ownerReferences").add(Owners.reference(owner));
    rev.set("data", data.deepCopy());
    rev.put("revision", number);
    return rev;
  }
}
