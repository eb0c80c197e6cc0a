package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.api.printers.Printers;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TablesTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();

  private static JsonNode pod() throws Exception {
    return Json.YAML.readTree("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: default, creationTimestamp: "2026-11-22T11:00:00Z", labels: {app: web}}
        spec:
          nodeName: node-1
          containers: [{name: web, image: nginx}]
        status:
          phase: Running
          podIPs: [{ip: 10.244.0.5}]
          containerStatuses:
          - {name: web, ready: true, restartCount: 0, state: {running: {}}}
        """);
  }

  @Test
  void tableCarriesColumnDefinitionsTypedCellsAndPartialMetadata() throws Exception {
    ObjectNode t = Tables.table(PODS, List.of(pod()), "1015", "next-page", "Metadata", NOW);
    assertEquals("Table", t.get("kind").asText());
    assertEquals("meta.k8s.io/v1", t.get("apiVersion").asText());
    assertEquals("1015", t.at("/metadata/resourceVersion").asText());
    assertEquals("next-page", t.at("/metadata/continue").asText());
    JsonNode name = t.at("/columnDefinitions/0");
    assertEquals("Name", name.get("name").asText());
    assertEquals("name", name.get("format").asText());
    assertTrue(name.get("description").asText().startsWith("Name must be unique within a namespace."));
    JsonNode ip = t.at("/columnDefinitions/5");
    assertEquals("IP", ip.get("name").asText());
    assertEquals(1, ip.get("priority").asInt());
    assertEquals("podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet "
        + "allocated.", ip.get("description").asText());
    assertEquals(Json.MAPPER.readTree("""
        ["web-1", "1/1", "Running", "0", "60m", "10.244.0.5", "node-1", "<none>", "<none>"]"""),
        t.at("/rows/0/cells"));
    assertEquals("PartialObjectMetadata", t.at("/rows/0/object/kind").asText());
    assertEquals("web", t.at("/rows/0/object/metadata/labels/app").asText());
  }

  @Test
  void integerAndBooleanCellsAreJsonNumbersAndBooleans() throws Exception {
    ResourceType sc = ResourceRegistry.byPath("storage.k8s.io", "v1", "storageclasses").orElseThrow();
    JsonNode cls = Json.YAML.readTree("metadata: {name: std}\nprovisioner: x\nallowVolumeExpansion: true");
    assertTrue(Tables.table(sc, List.of(cls), "1", null, null, NOW).at("/rows/0/cells/4").isBoolean());
    ResourceType cm = ResourceRegistry.byPath("", "v1", "configmaps").orElseThrow();
    JsonNode map = Json.YAML.readTree("metadata: {name: c}\ndata: {a: b}");
    JsonNode cell = Tables.table(cm, List.of(map), "1", null, null, NOW).at("/rows/0/cells/1");
    assertTrue(cell.isIntegralNumber());
    assertEquals(1, cell.asInt());
  }

  @Test
  void includeObjectChoosesTheWholeObjectOrNone() throws Exception {
    JsonNode pod = pod();
    assertEquals(pod, Tables.table(PODS, List.of(pod), "1", null, "Object", NOW).at("/rows/0/object"));
    assertFalse(Tables.table(PODS, List.of(pod), "1", null, "None", NOW).at("/rows/0").has("object"));
    assertFalse(Tables.table(PODS, List.of(pod), "1", "", "Metadata", NOW).get("metadata").has("continue"));
  }

  @Test
  void everyServedKindHasKubernetesPrinterOrTheDefaultCreatedAt() {
    Set<String> withoutPrinter = Set.of("Role", "ClusterRole", "LimitRange");
    for (ResourceType type : ResourceRegistry.all()) {
      assertEquals(!withoutPrinter.contains(type.kind()), Printers.hasPrinter(type.kind()), type.kind());
      List<String> names = Printers.forKind(type.kind()).columns().stream().map(c -> c.name()).toList();
      assertTrue(names.contains("Name"), type.kind());
      assertTrue(names.contains(withoutPrinter.contains(type.kind()) ? "Created At" : "Age")
          || type.kind().equals("Event"), type.kind());
    }
  }
}
