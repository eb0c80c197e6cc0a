package io.tugboat.controllers.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.store.ObjectKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The garbage collector's decisions: dependents of owners that are gone, waiting (foreground) or orphaning. */
class GarbageCollectionTest {

  static final ObjectKey POD = ObjectKey.of(ResourceRegistry.byPath("", "v1", "pods").orElseThrow(), "default", "p");
  static final ObjectKey RS = ObjectKey.of(ResourceRegistry.byPath("apps", "v1", "replicasets").orElseThrow(),
      "default", "rs");

  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static ObjectNode owner(String uid, String finalizer) {
    ObjectNode o = json("{'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':'rs','uid':'" + uid + "'}}");
    if (finalizer != null) {
      Json.meta(o).put("deletionTimestamp", "2026-01-01T00:00:00Z");
      Json.meta(o).putArray("finalizers").add(finalizer);
    }
    return o;
  }

  private static ObjectNode pod(String... ownerUids) {
    ObjectNode p = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','uid':'pod-uid'}}");
    for (String uid : ownerUids) {
      Json.meta(p).withArray("ownerReferences").add(json("{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'rs',"
          + "'uid':'" + uid + "','controller':true,'blockOwnerDeletion':true}"));
    }
    return p;
  }

  @Test
  void deletesADependentWhoseOwnerIsGoneInTheBackground() {
    List<Plan.Action> actions = GarbageCollection.forDependent(POD, pod("gone"), uid -> null);
    assertEquals(List.of(new Plan.Delete(POD, "pod-uid", "Background", null)), actions);
  }

  @Test
  void keepsADependentWhoseOwnerStands() {
    assertTrue(GarbageCollection.forDependent(POD, pod("a"), uid -> owner("a", null)).isEmpty());
    assertTrue(GarbageCollection.forDependent(POD, json("{'metadata':{'name':'p'}}"), uid -> null).isEmpty());
  }

  @Test
  void anOwnerOfTheSameNameButAnotherUidIsGone() {
    assertEquals(1, GarbageCollection.forDependent(POD, pod("old"), uid -> uid.equals("new") ? owner("new", null) : null)
        .size());
  }

  @Test
  void deletesDependentsOfAForegroundOwnerInTheForeground() {
    List<Plan.Action> actions = GarbageCollection.forDependent(POD, pod("a"), uid -> owner("a", "foregroundDeletion"));
    assertEquals("Foreground", ((Plan.Delete) actions.get(0)).propagationPolicy());
  }

  @Test
  void removesOnlyDanglingReferencesWhenAnotherOwnerStands() {
    List<Plan.Action> actions = GarbageCollection.forDependent(POD, pod("a", "gone"),
        uid -> uid.equals("a") ? owner("a", null) : null);
    JsonNode refs = ((Plan.Update) actions.get(0)).object().path("metadata").path("ownerReferences");
    assertEquals(1, refs.size());
    assertEquals("a", refs.get(0).path("uid").asText());
  }

  @Test
  void foregroundOwnerWaitsForBlockingDependentsThenLosesItsFinalizer() {
    ObjectNode o = owner("a", "foregroundDeletion");
    assertTrue(GarbageCollection.forOwner(RS, o, Map.of(POD, pod("a"))).isEmpty());
    List<Plan.Action> done = GarbageCollection.forOwner(RS, o, Map.of());
    assertFalse(((Plan.Update) done.get(0)).object().path("metadata").has("finalizers"));
  }

  @Test
  void orphanOwnerRemovesItselfFromDependentsThenLosesItsFinalizer() {
    ObjectNode o = owner("a", "orphan");
    List<Plan.Action> first = GarbageCollection.forOwner(RS, o, Map.of(POD, pod("a")));
    Plan.Update released = (Plan.Update) first.get(0);
    assertEquals(POD, released.key());
    assertFalse(released.object().path("metadata").has("ownerReferences"));
    Plan.Update finalized = (Plan.Update) GarbageCollection.forOwner(RS, o, Map.of()).get(0);
    assertEquals(RS, finalized.key());
    assertFalse(finalized.object().path("metadata").has("finalizers"));
  }

  @Test
  void leavesOwnersThatAreNotBeingDeletedAlone() {
    assertTrue(GarbageCollection.forOwner(RS, owner("a", null), Map.of(POD, pod("a"))).isEmpty());
  }
}
