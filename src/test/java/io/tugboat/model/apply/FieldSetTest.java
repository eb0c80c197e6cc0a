package io.tugboat.model.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSetTest {

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static final String DEPLOYMENT = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
      + "'labels':{'app':'web'},'finalizers':['example.com/hold']},'spec':{'replicas':2,"
      + "'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},'spec':{"
      + "'containers':[{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':80}],'args':['-a','-b']}],"
      + "'tolerations':[{'key':'k','operator':'Exists'}]}}}}";

  @Test
  void fieldSetOfADeploymentUsesMergeKeysValuesAndWholeAtomicValues() {
    FieldSet set = FieldSet.of("Deployment", json(DEPLOYMENT));
    String containers = "{'k:{\\'name\\':\\'nginx\\'}':{'.':{},'f:args':{},'f:image':{},'f:name':{},"
        + "'f:ports':{'k:{\\'containerPort\\':80}':{'.':{},'f:containerPort':{}}}}}";
    assertEquals(json("{'f:apiVersion':{},'f:kind':{},'f:metadata':{'f:finalizers':{'v:\\'example.com/hold\\'':{}},"
        + "'f:labels':{'f:app':{}},'f:name':{}},'f:spec':{'f:replicas':{},'f:selector':{},'f:template':{"
        + "'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':" + containers + ",'f:tolerations':{}}}}}"),
        set.toFieldsV1());
  }

  @Test
  void fieldsV1RoundTripsExactlyAsKubernetesWritesIt() {
    String text = "{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:containers\":"
        + "{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{}}}}}";
    FieldSet set = FieldSet.fromFieldsV1(json(text));
    assertEquals(3, set.size());
    assertTrue(set.contains(FieldPath.of("metadata", "labels", "app")));
    FieldPath element = FieldPath.of("spec", "containers").child(PathElement.Key.of("name", Json.NODES.textNode("nginx")));
    assertTrue(set.contains(element));
    assertTrue(set.contains(element.field("image")));
    assertFalse(set.contains(FieldPath.of("spec")), "parents are not members unless marked with '.'");
    assertEquals(text, set.toFieldsV1().toString());
  }

  @Test
  void pathsPrintAsKubernetesConflictsNameThem() {
    FieldPath p = FieldPath.of("spec", "template", "spec", "containers")
        .child(PathElement.Key.of("name", Json.NODES.textNode("nginx"))).field("image");
    assertEquals(".spec.template.spec.containers[name=\"nginx\"].image", p.toString());
    assertEquals(".metadata.finalizers[=\"x\"]",
        FieldPath.of("metadata", "finalizers").child(new PathElement.Value(Json.NODES.textNode("x"))).toString());
  }

  @Test
  void keysCompareByValueSoAnIntAndALongPortAreOneElement() {
    PathElement a = PathElement.Key.of("containerPort", Json.NODES.numberNode(80));
    PathElement b = PathElement.Key.of("containerPort", Json.NODES.numberNode(80L));
    assertEquals(a, b);
    assertEquals(0, a.compareTo(b));
    assertEquals("k:{\"containerPort\":80}", a.encode());
  }

  @Test
  void setAlgebraAndAncestors() {
    FieldPath replicas = FieldPath.of("spec", "replicas");
    FieldPath image = FieldPath.of("spec", "image");
    FieldSet a = FieldSet.of(replicas, image);
    FieldSet b = FieldSet.of(image);
    assertEquals(FieldSet.of(replicas), a.difference(b));
    assertEquals(b, a.intersection(b));
    assertEquals(a, b.union(FieldSet.of(replicas)));
    assertEquals(List.of(FieldPath.of("spec"), image, replicas), a.withAncestors().paths());
  }

  @Test
  void emptyMapsSetNothingAndEmptyAtomicListsAreOwned() {
    FieldSet set = FieldSet.of("Pod", json("{'spec':{'containers':[],'tolerations':[],'nodeSelector':{}}}"));
    assertEquals(FieldSet.of(FieldPath.of("spec", "tolerations")), set);
  }

  @Test
  void malformedFieldsV1IsRejected() {
    assertThrows(IllegalArgumentException.class, () -> FieldSet.fromFieldsV1(json("{'x:a':{}}")));
    assertThrows(IllegalArgumentException.class, () -> FieldSet.fromFieldsV1(json("{'f:a':1}")));
    assertThrows(IllegalArgumentException.class, () -> FieldSet.fromFieldsV1(json("{'k:[1]':{}}")));
  }
}
