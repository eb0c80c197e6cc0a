package io.tugboat.controllers.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The binder's pass as a pure function over an in-memory cluster whose writes go through admission. */
class VolumeBindingTest {

  static final Path DIR = Path.of("/var/lib/tugboat/volumes");
  final Map<String, ObjectNode> objects = new TreeMap<>();
  final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  ObjectNode create(ResourceType type, ObjectNode in) {
    ObjectNode obj = ObjectLifecycle.prepareCreate(type, in, UUID.randomUUID().toString(), now);
    objects.put(ObjectKey.of(type, Json.metaText(obj, "namespace"), Json.metaText(obj, "name")).entityId(), obj);
    return obj;
  }

  List<JsonNode> list(ResourceType type) {
    List<JsonNode> out = new ArrayList<>();
    objects.values().forEach(o -> {
      if (Json.text(o.path("kind")).equals(type.kind())) {
        out.add(o);
      }
    });
    return out;
  }

  int pass() {
    List<Plan.Action> actions = VolumeBinding.plan(list(VolumeBinding.CLAIMS), list(VolumeBinding.VOLUMES),
        list(VolumeBinding.CLASSES), DIR);
    for (Plan.Action a : actions) {
      if (a instanceof Plan.Create c) {
        create(c.type(), c.object());
      } else if (a instanceof Plan.Update u) {
        ObjectNode old = objects.get(u.key().entityId());
        objects.put(u.key().entityId(), ObjectLifecycle.prepareUpdate(u.key().type(), old, u.object(), u.subresource()));
      } else {
        objects.remove(((Plan.Delete) a).key().entityId());
      }
    }
    return actions.size();
  }

  void settle() {
    for (int i = 0; i < 20; i++) {
      if (pass() == 0) {
        return;
      }
    }
    throw new AssertionError("the binder never settles: " + objects.values());
  }

  ObjectNode standardClass() {
    return create(VolumeBinding.CLASSES, json("{'metadata':{'name':'standard','annotations':{'"
        + VolumeBinding.DEFAULT_CLASS + "':'true'}},'provisioner':'" + VolumeBinding.PROVISIONER
        + "','reclaimPolicy':'Delete','volumeBindingMode':'Immediate'}"));
  }

  ObjectNode claim(String name, String extraSpec) {
    return create(VolumeBinding.CLAIMS, json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{"
        + "'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}" + extraSpec + "}}"));
  }

  JsonNode get(ResourceType type, String ns, String name) {
    return objects.get(ObjectKey.of(type, ns, name).entityId());
  }

  @Test
  void aClaimWithoutClassGetsTheDefaultAndAProvisionedHostPathVolumeBoundBothWays() {
    standardClass();
    ObjectNode claim = claim("www-web-0", "");
    settle();
    String pvName = "pvc-" + Json.metaText(claim, "uid");
    JsonNode bound = get(VolumeBinding.CLAIMS, "default", "www-web-0");
    assertEquals("standard", bound.path("spec").path("storageClassName").asText());
    assertEquals(pvName, bound.path("spec").path("volumeName").asText());
    assertEquals("Bound", bound.path("status").path("phase").asText());
    assertEquals("1Gi", bound.path("status").path("capacity").path("storage").asText());
    assertEquals("yes", bound.path("metadata").path("annotations").path("pv.kubernetes.io/bind-completed").asText());
    JsonNode pv = get(VolumeBinding.VOLUMES, "", pvName);
    assertEquals("Bound", pv.path("status").path("phase").asText());
    assertEquals(Json.metaText(claim, "uid"), pv.path("spec").path("claimRef").path("uid").asText());
    assertEquals(DIR.resolve(pvName).toString(), pv.path("spec").path("hostPath").path("path").asText());
    assertEquals("DirectoryOrCreate", pv.path("spec").path("hostPath").path("type").asText());
    assertEquals("Delete", pv.path("spec").path("persistentVolumeReclaimPolicy").asText());
    assertEquals(DIR.resolve(pvName), VolumeBinding.provisionedDir(pv, DIR).orElseThrow());
  }

  @Test
  void anAvailableVolumeThatFitsIsBoundBeforeAnyIsProvisioned() {
    standardClass();
    create(VolumeBinding.VOLUMES, json("{'metadata':{'name':'small'},'spec':{'capacity':{'storage':'500Mi'},"
        + "'accessModes':['ReadWriteOnce'],'storageClassName':'standard','hostPath':{'path':'/srv/a'}}}"));
    create(VolumeBinding.VOLUMES, json("{'metadata':{'name':'big'},'spec':{'capacity':{'storage':'10Gi'},"
        + "'accessModes':['ReadWriteOnce'],'storageClassName':'standard','hostPath':{'path':'/srv/b'}}}"));
    create(VolumeBinding.VOLUMES, json("{'metadata':{'name':'fits'},'spec':{'capacity':{'storage':'2Gi'},"
        + "'accessModes':['ReadWriteOnce'],'storageClassName':'standard','hostPath':{'path':'/srv/c'}}}"));
    claim("data", ",'storageClassName':'standard'");
    settle();
    assertEquals("fits", get(VolumeBinding.CLAIMS, "default", "data").path("spec").path("volumeName").asText());
    assertEquals(3, list(VolumeBinding.VOLUMES).size(), "nothing provisioned");
    assertEquals("Available", get(VolumeBinding.VOLUMES, "", "big").path("status").path("phase").asText());
    assertVolumeNotFor(VolumeBinding.VOLUMES, "small");
  }

  private void assertVolumeNotFor(ResourceType type, String name) {
    assertFalse(get(type, "", name).path("spec").has("claimRef"));
  }

  @Test
  void aClassOfAnotherProvisionerLeavesTheClaimPending() {
    create(VolumeBinding.CLASSES, json("{'metadata':{'name':'fast'},'provisioner':'example.com/nfs'}"));
    claim("data", ",'storageClassName':'fast'");
    settle();
    assertEquals("Pending", get(VolumeBinding.CLAIMS, "default", "data").path("status").path("phase").asText());
    assertTrue(list(VolumeBinding.VOLUMES).isEmpty());
  }

  @Test
  void aVolumeWhoseClaimIsGoneIsDeletedOrReleasedByItsReclaimPolicy() {
    standardClass();
    ObjectNode claim = claim("data", "");
    create(VolumeBinding.VOLUMES, json("{'metadata':{'name':'kept'},'spec':{'capacity':{'storage':'1Gi'},"
        + "'accessModes':['ReadWriteOnce'],'persistentVolumeReclaimPolicy':'Retain','hostPath':{'path':'/srv/k'},"
        + "'claimRef':{'namespace':'default','name':'old','uid':'gone'}}}"));
    settle();
    String pvName = "pvc-" + Json.metaText(claim, "uid");
    objects.remove(ObjectKey.of(VolumeBinding.CLAIMS, "default", "data").entityId());
    settle();
    assertEquals(null, get(VolumeBinding.VOLUMES, "", pvName));
    assertEquals("Released", get(VolumeBinding.VOLUMES, "", "kept").path("status").path("phase").asText());
  }

  @Test
  void onlyDirectoriesUnderTheVolumesDirAreRemoved() {
    JsonNode outside = json("{'metadata':{'annotations':{'" + VolumeBinding.PROVISIONED_BY + "':'"
        + VolumeBinding.PROVISIONER + "'}},'spec':{'hostPath':{'path':'/var/lib/tugboat/volumes/../../etc'}}}");
    assertTrue(VolumeBinding.provisionedDir(outside, DIR).isEmpty());
    JsonNode notOurs = json("{'spec':{'hostPath':{'path':'/var/lib/tugboat/volumes/pvc-1'}}}");
    assertTrue(VolumeBinding.provisionedDir(notOurs, DIR).isEmpty());
  }
}
