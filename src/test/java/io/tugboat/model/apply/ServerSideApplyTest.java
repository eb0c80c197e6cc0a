package io.tugboat.model.apply;

import static io.tugboat.model.apply.FieldSetTest.json;
import static io.tugboat.model.apply.ManagedFieldsTest.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Subresource;
import io.tugboat.model.apply.ManagedFields.Entry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSideApplyTest {

  private static final Instant T1 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2024-05-01T11:00:00Z");
  private static final Instant T3 = Instant.parse("2024-05-01T12:00:00Z");

  /** A Deployment manifest; replicas, image and an extra label vary. */
  private static JsonNode deployment(int replicas, String image, String extraLabel) {
    String labels = extraLabel == null ? "{'app':'web'}" : "{'app':'web','" + extraLabel + "':'yes'}";
    return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default',"
        + "'labels':" + labels + "},'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':{'app':'web'}},"
        + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'nginx','image':'" + image
        + "'}]}}}}");
  }

  private static ObjectNode applied(ServerSideApply.Result r) {
    return assertInstanceOf(ServerSideApply.Applied.class, r, () -> "expected success, got " + r).object();
  }

  private static ServerSideApply.Result apply(ObjectNode live, JsonNode config, String manager, boolean force,
      Instant now) {
    return ServerSideApply.apply(live, config, manager, force, "Deployment", Subresource.MAIN, now);
  }

  private static JsonNode withoutManaged(JsonNode o) {
    return ManagedFields.withoutManagedFields(o);
  }

  @Test
  void applyCreatesTheObjectOwningExactlyTheAppliedFields() {
    ObjectNode created = applied(apply(null, deployment(2, "nginx:1", null), "kubectl", false, T1));
    assertEquals(deployment(2, "nginx:1", null), withoutManaged(created));
    Entry e = ManagedFields.read(created).get(0);
    assertEquals("kubectl", e.manager());
    assertEquals("Apply", e.operation());
    assertEquals("apps/v1", e.apiVersion());
    assertEquals("2024-05-01T10:00:00Z", e.time());
    assertEquals(json("{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{},'f:selector':{},"
        + "'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':{"
        + "'k:{\\'name\\':\\'nginx\\'}':{'.':{},'f:image':{},'f:name':{}}}}}}}"), e.fields().toFieldsV1());
  }

  @Test
  void reapplyingTheSameConfigurationChangesNothingNotEvenTheTime() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", null), "kubectl", false, T1));
    ObjectNode v2 = applied(apply(v1, deployment(2, "nginx:1", null), "kubectl", false, T2));
    assertEquals(v1, v2);
  }

  @Test
  void aFieldNoLongerAppliedIsRemoved() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", "tier"), "kubectl", false, T1));
    ObjectNode v2 = applied(apply(v1, deployment(2, "nginx:1", null), "kubectl", false, T2));
    assertEquals(json("{'app':'web'}"), v2.path("metadata").path("labels"));
    assertEquals("2024-05-01T11:00:00Z", ManagedFields.read(v2).get(0).time());
  }

  @Test
  void aListElementNoLongerAppliedIsRemovedWithItsUnownedFields() {
    ObjectNode config = (ObjectNode) deployment(2, "nginx:1", null);
    ((ObjectNode) config.at("/spec/template/spec")).withArray("containers")
        .addObject().put("name", "sidecar").put("image", "busybox");
    ObjectNode v1 = applied(apply(null, config, "kubectl", false, T1));
    // The server defaults a field nobody owns.
    ((ObjectNode) v1.at("/spec/template/spec/containers/1")).put("imagePullPolicy", "Always");
    ObjectNode v2 = applied(apply(v1, deployment(2, "nginx:1", null), "kubectl", false, T2));
    assertEquals(1, v2.at("/spec/template/spec/containers").size(), v2::toString);
  }

  @Test
  void aFieldNoLongerAppliedStaysWhileAnotherManagerOwnsIt() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", "tier"), "kubectl", false, T1));
    // Another applier states the same label: it shares ownership without conflict.
    ObjectNode shared = applied(apply(v1, json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{"
        + "'name':'web','labels':{'tier':'yes'}}}"), "labeller", false, T2));
    assertEquals(2, ManagedFields.read(shared).size());
    ObjectNode v3 = applied(apply(shared, deployment(2, "nginx:1", null), "kubectl", false, T3));
    assertEquals("yes", v3.path("metadata").path("labels").path("tier").asText(), v3::toString);
  }

  @Test
  void anotherManagersDifferentValueIsAConflictListingOwnerAndField() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", null), "kubectl", false, T1));
    ServerSideApply.Result r = apply(v1, deployment(3, "nginx:2", null), "other", false, T2);
    List<ServerSideApply.Conflict> conflicts = assertInstanceOf(ServerSideApply.Conflicts.class, r).conflicts();
    assertEquals(List.of(".spec.replicas", ".spec.template.spec.containers[name=\"nginx\"].image"),
        conflicts.stream().map(c -> c.path().toString()).toList());
    ApiError error = ServerSideApply.conflictError(conflicts);
    assertEquals(409, error.code());
    assertEquals("Conflict", error.reason());
    assertEquals("Apply failed with 2 conflicts: conflicts with \"kubectl\":\n- .spec.replicas\n"
        + "- .spec.template.spec.containers[name=\"nginx\"].image", error.message());
    assertEquals("FieldManagerConflict", error.causes().get(0).reason());
    assertEquals("conflict with \"kubectl\"", error.causes().get(0).message());
    assertEquals(".spec.replicas", error.causes().get(0).field());
  }

  @Test
  void forceTakesTheConflictingFieldsFromTheirOwner() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", null), "kubectl", false, T1));
    ObjectNode v2 = applied(apply(v1, json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
        + "'spec':{'replicas':5}}"), "autoscaler", true, T2));
    assertEquals(5, v2.at("/spec/replicas").asInt());
    List<Entry> entries = ManagedFields.read(v2);
    assertFalse(entry(entries, "kubectl").fields().contains(FieldPath.of("spec", "replicas")));
    assertEquals(FieldSet.of(FieldPath.of("spec", "replicas")), entry(entries, "autoscaler").fields());
    // The former owner now conflicts in turn.
    ServerSideApply.Result again = apply(v2, deployment(2, "nginx:1", null), "kubectl", false, T3);
    assertEquals("Apply failed with 1 conflict: conflict with \"autoscaler\": .spec.replicas",
        assertInstanceOf(ServerSideApply.Conflicts.class, again).toApiError().message());
  }

  @Test
  void aClientSideUpdateAfterApplyShowsBothManagersAndConflictsWithTheApplier() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", null), "kubectl", false, T1));
    ObjectNode edited = v1.deepCopy();
    ((ObjectNode) edited.at("/spec")).put("replicas", 4);
    ObjectNode v2 = ManagedFields.update("Deployment", v1, edited, "kubectl-client-side-apply", Subresource.MAIN, T2);
    List<Entry> entries = ManagedFields.read(v2);
    assertEquals(List.of("kubectl", "kubectl-client-side-apply"), entries.stream().map(Entry::manager).toList());
    assertEquals(FieldSet.of(FieldPath.of("spec", "replicas")), entry(entries, "kubectl-client-side-apply").fields());

    ServerSideApply.Result r = apply(v2, deployment(2, "nginx:1", null), "kubectl", false, T3);
    ApiError error = assertInstanceOf(ServerSideApply.Conflicts.class, r).toApiError();
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: "
        + ".spec.replicas", error.message());
    assertEquals("conflict with \"kubectl-client-side-apply\" using apps/v1", error.causes().get(0).message());
    // Applying the live value is no conflict: the applier shares the field.
    ObjectNode v3 = applied(apply(v2, deployment(4, "nginx:1", null), "kubectl", false, T3));
    assertTrue(entry(ManagedFields.read(v3), "kubectl").fields().contains(FieldPath.of("spec", "replicas")));
    assertTrue(entry(ManagedFields.read(v3), "kubectl-client-side-apply").fields()
        .contains(FieldPath.of("spec", "replicas")));
  }

  @Test
  void keyedListsMergeByKeyKeepingOtherManagersElements() {
    ObjectNode v1 = applied(apply(null, deployment(2, "nginx:1", null), "kubectl", false, T1));
    ObjectNode v2 = applied(apply(v1, json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
        + "'spec':{'template':{'spec':{'containers':[{'name':'sidecar','image':'envoy'}]}}}}"), "mesh", false, T2));
    assertEquals(json("[{'name':'nginx','image':'nginx:1'},{'name':'sidecar','image':'envoy'}]"),
        v2.at("/spec/template/spec/containers"));
    ObjectNode v3 = applied(apply(v2, deployment(2, "nginx:2", null), "kubectl", false, T3));
    assertEquals(json("[{'name':'nginx','image':'nginx:2'},{'name':'sidecar','image':'envoy'}]"),
        v3.at("/spec/template/spec/containers"));
  }

  @Test
  void setsUnionTheirValuesAndAtomicListsAreReplacedWhole() {
    ObjectNode live = applied(ServerSideApply.apply(null, json("{'apiVersion':'v1','kind':'Pod','metadata':{"
        + "'name':'p','finalizers':['a']},'spec':{'tolerations':[{'key':'x','operator':'Exists'}]}}"),
        "one", false, "Pod", Subresource.MAIN, T1));
    ObjectNode v2 = applied(ServerSideApply.apply(live, json("{'apiVersion':'v1','kind':'Pod','metadata':{"
        + "'name':'p','finalizers':['b']},'spec':{'tolerations':[{'key':'y','operator':'Exists'}]}}"),
        "two", true, "Pod", Subresource.MAIN, T2));
    assertEquals(json("['a','b']"), v2.at("/metadata/finalizers"));
    assertEquals(json("[{'key':'y','operator':'Exists'}]"), v2.at("/spec/tolerations"));
    assertEquals(json("{'f:metadata':{'f:finalizers':{'v:\\'b\\'':{}}},'f:spec':{'f:tolerations':{}}}"),
        entry(ManagedFields.read(v2), "two").fields().toFieldsV1());
    assertEquals(json("{'f:metadata':{'f:finalizers':{'v:\\'a\\'':{}}}}"),
        entry(ManagedFields.read(v2), "one").fields().toFieldsV1());
  }

  @Test
  void statusInAMainApplyIsIgnored() {
    ObjectNode config = (ObjectNode) deployment(1, "nginx:1", null);
    config.putObject("status").put("replicas", 9);
    ObjectNode created = applied(apply(null, config, "kubectl", false, T1));
    assertFalse(created.has("status"));
  }

  @Test
  void aKeyedListElementWithoutItsKeyOrManagedFieldsInTheConfigurationAre400() {
    JsonNode noKey = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':"
        + "{'spec':{'containers':[{'image':'nginx'}]}}}}");
    ApiException e = assertThrows(ApiException.class, () -> apply(null, noKey, "kubectl", false, T1));
    assertEquals(400, e.error().code());
    assertTrue(e.error().message().contains("omits key field \"name\""), e.error().message());
    JsonNode managed = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','managedFields':[]}}");
    assertEquals("metadata.managedFields must be nil", assertThrows(ApiException.class,
        () -> ServerSideApply.apply(null, managed, "m", false, "ConfigMap")).error().message());
  }
}
