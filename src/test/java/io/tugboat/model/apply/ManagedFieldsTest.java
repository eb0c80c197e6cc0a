package io.tugboat.model.apply;

import static io.tugboat.model.apply.FieldSetTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Subresource;
import io.tugboat.model.apply.ManagedFields.Entry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedFieldsTest {

  private static final Instant T1 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2024-05-01T11:00:00Z");

  private static ObjectNode obj(String s) {
    return (ObjectNode) json(s);
  }

  private static final String CM = "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'d',"
      + "'uid':'u1','resourceVersion':'7','creationTimestamp':'2024-05-01T09:00:00Z'},'data':{'a':'1','b':'2'}}";

  @Test
  void managerIsTheFieldManagerParameterElseTheUserAgentUpToItsFirstSlash() {
    assertEquals("kubectl-edit", ManagedFields.managerFor("kubectl-edit", "kubectl/v1.30.0 (linux/amd64)"));
    assertEquals("kubectl", ManagedFields.managerFor(null, "kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b"));
    assertEquals("Go-http-client", ManagedFields.managerFor("", "Go-http-client/2.0"));
    assertEquals(128, ManagedFields.managerFor(null, "x".repeat(300)).length());
    assertEquals("", ManagedFields.managerFor(null, null));
  }

  @Test
  void createOwnsEveryFieldButServerOwnedMetadata() {
    ObjectNode created = ManagedFields.update("ConfigMap", null, obj(CM), "kubectl-create", Subresource.MAIN, T1);
    List<Entry> entries = ManagedFields.read(created);
    assertEquals(1, entries.size());
    Entry e = entries.get(0);
    assertEquals("kubectl-create", e.manager());
    assertEquals("Update", e.operation());
    assertEquals("v1", e.apiVersion());
    assertEquals("2024-05-01T10:00:00Z", e.time());
    assertEquals(json("{'f:data':{'f:a':{},'f:b':{}}}"), e.fields().toFieldsV1());
    assertEquals(json("[{'manager':'kubectl-create','operation':'Update','apiVersion':'v1',"
        + "'time':'2024-05-01T10:00:00Z','fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:a':{},'f:b':{}}}}]"),
        created.path("metadata").path("managedFields"));
  }

  @Test
  void anUpdateTakesTheFieldsItChangedFromTheirOwnerAndKeepsWhatItHad() {
    ObjectNode v1 = ManagedFields.update("ConfigMap", null, obj(CM), "creator", Subresource.MAIN, T1);
    ObjectNode changed = v1.deepCopy();
    ((ObjectNode) changed.path("data")).put("a", "changed").put("c", "3");
    ObjectNode v2 = ManagedFields.update("ConfigMap", v1, changed, "kubectl-edit", Subresource.MAIN, T2);
    List<Entry> entries = ManagedFields.read(v2);
    assertEquals(json("{'f:data':{'f:b':{}}}"), entry(entries, "creator").fields().toFieldsV1());
    assertEquals("2024-05-01T10:00:00Z", entry(entries, "creator").time());
    assertEquals(json("{'f:data':{'f:a':{},'f:c':{}}}"), entry(entries, "kubectl-edit").fields().toFieldsV1());
    assertEquals("2024-05-01T11:00:00Z", entry(entries, "kubectl-edit").time());
  }

  @Test
  void removedFieldsAreOwnedByNobodyAndAnEmptyEntryDisappears() {
    ObjectNode v1 = ManagedFields.update("ConfigMap", null, obj(CM), "creator", Subresource.MAIN, T1);
    ObjectNode changed = v1.deepCopy();
    changed.remove("data");
    ObjectNode v2 = ManagedFields.update("ConfigMap", v1, changed, "cleaner", Subresource.MAIN, T2);
    assertFalse(v2.path("metadata").has("managedFields"), v2::toString);
  }

  @Test
  void anUpdateThatChangesNothingLeavesManagedFieldsAsTheyWere() {
    ObjectNode v1 = ManagedFields.update("ConfigMap", null, obj(CM), "creator", Subresource.MAIN, T1);
    ObjectNode v2 = ManagedFields.update("ConfigMap", v1, v1.deepCopy(), "other", Subresource.MAIN, T2);
    assertEquals(v1, v2);
    assertFalse(ManagedFields.ownershipChanged(v1, v2));
  }

  @Test
  void statusWritesOwnOnlyStatusUnderTheirSubresource() {
    ObjectNode live = obj("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'w'},'spec':{'replicas':1}}");
    ObjectNode updated = live.deepCopy();
    updated.putObject("status").put("replicas", 1);
    ObjectNode v2 = ManagedFields.update("Deployment", live, updated, "tugboat", Subresource.STATUS, T1);
    Entry e = ManagedFields.read(v2).get(0);
    assertEquals("status", e.subresource());
    assertEquals(json("{'f:status':{'f:replicas':{}}}"), e.fields().toFieldsV1());
    assertEquals("\"tugboat\" with subresource \"status\" using apps/v1", e.describe());
  }

  @Test
  void managedFieldsSetExplicitlyByTheWriterReplaceTheLiveOnes() {
    ObjectNode v1 = ManagedFields.update("ConfigMap", null, obj(CM), "creator", Subresource.MAIN, T1);
    ObjectNode reset = v1.deepCopy();
    reset.with("metadata").putArray("managedFields").addObject();
    ObjectNode v2 = ManagedFields.update("ConfigMap", v1, reset, "resetter", Subresource.MAIN, T2);
    assertFalse(v2.path("metadata").has("managedFields"), "[{}] resets managedFields: " + v2);
  }

  @Test
  void entriesAreWrittenApplyFirstThenByTime() {
    ObjectNode o = obj(CM);
    FieldSet a = FieldSet.of(FieldPath.of("data", "a"));
    ManagedFields.write(o, List.of(
        new Entry("late", "Update", "v1", "2024-05-01T12:00:00Z", "", a),
        new Entry("early", "Update", "v1", "2024-05-01T08:00:00Z", "", a),
        new Entry("kubectl", "Apply", "v1", "2024-05-01T13:00:00Z", "", a),
        new Entry("nothing", "Update", "v1", "2024-05-01T13:00:00Z", "", FieldSet.EMPTY)));
    assertEquals(List.of("kubectl", "early", "late"),
        ManagedFields.read(o).stream().map(Entry::manager).toList());
    assertTrue(ManagedFields.ownershipChanged(obj(CM), o));
  }

  static Entry entry(List<Entry> entries, String manager) {
    return entries.stream().filter(e -> e.manager().equals(manager)).findFirst()
        .orElseThrow(() -> new AssertionError("no entry for " + manager + " in " + entries));
  }
}
