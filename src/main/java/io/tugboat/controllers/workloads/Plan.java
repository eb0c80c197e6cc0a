package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What one reconcile step of an owner decided: writes to make now (independent of each other, so they go out
 * together), and when to look again if nothing changes before (a pod becoming available, a progress deadline).
 */
public record Plan(List<Action> actions, Optional<Instant> wakeAt) {

  /** Nothing to do, nothing to wait for. */
  public static Plan none() {
    return new Plan(List.of(), Optional.empty());
  }

  /** The Event the owner reports once a write succeeded (or failed); {@code %s} in the message is the name. */
  public record Note(String type, String reason, String message) {
    /** A Normal event. */
    public static Note normal(String reason, String message) {
      return new Note("Normal", reason, message);
    }

    /** A Warning event. */
    public static Note warning(String reason, String message) {
      return new Note("Warning", reason, message);
    }
  }

  /**
   * Why the previous step's create or delete failed ({@code reason} FailedCreate or FailedDelete, and the
   * server's message): kinds that report it in a condition (a ReplicaSet's ReplicaFailure) get it in their plan.
   */
  public record Failure(String reason, String message) {}

  /** One write. */
  public sealed interface Action {
    /** The Event to report once the write succeeded ({@code ok}) or failed; null for none. */
    default Note note(boolean ok) {
      if (this instanceof Create c) {
        return ok ? c.onSuccess() : c.onFailure();
      } else if (this instanceof Update u) {
        return ok ? u.onSuccess() : null;
      }
      return ok ? ((Delete) this).onSuccess() : null;
    }

    /** Sends the write to the store, as {@code request} (given the verb) names the writer. */
    default CompletionStage<ObjectStore.WriteResult> perform(ObjectStore store,
        Function<String, RequestInfo> request) {
      if (this instanceof Create c) {
        return store.create(c.type(), c.object(), request.apply("create"));
      } else if (this instanceof Update u) {
        return store.update(u.key(), u.object(), u.subresource(), request.apply("update"));
      }
      Delete d = (Delete) this;
      return store.delete(d.key(), d.uid().isEmpty() ? null : d.uid(), null, d.gracePeriodSeconds(),
          d.propagationPolicy(), request.apply("delete"));
    }
  }

  /**
   * Create an object (a pod from the template, a ReplicaSet). {@code onSuccess} names the created object with
   * {@code %s}, {@code onFailure} the error.
   */
  public record Create(ResourceType type, ObjectNode object, Note onSuccess, Note onFailure) implements Action {}

  /**
   * Replace an object or its status; the object's metadata.resourceVersion is the cached one, so a write that
   * raced with another fails (409) and the next step decides again.
   */
  public record Update(ObjectKey key, ObjectNode object, Subresource subresource, Note onSuccess) implements Action {}

  /**
   * Delete an object (uid as precondition) with a propagation policy (null: the kind's default) and a grace period
   * (null: the object's own; 0 force-deletes a pod whose node is gone, as Kubernetes' pod garbage collector does).
   */
  public record Delete(ObjectKey key, String uid, String propagationPolicy, Note onSuccess, Long gracePeriodSeconds)
      implements Action {
    /** A delete with the object's own grace period. */
    public Delete(ObjectKey key, String uid, String propagationPolicy, Note onSuccess) {
      this(key, uid, propagationPolicy, onSuccess, null);
    }
  }
}
