package io.tugboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectDiffTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  private static List<String> diff(String before, String after) throws Exception {
    return ObjectDiff.diff(json(before), json(after));
  }

  @Test
  void equalObjectsHaveNoDiff() throws Exception {
    assertEquals(List.of(), diff("{'spec':{'replicas':1}}", "{'spec':{'replicas':1}}"));
  }

  @Test
  void changedLeafShowsPathWithOldAndNewValue() throws Exception {
    assertEquals(List.of("spec.replicas: 1 -> 3"), diff("{'spec':{'replicas':1}}", "{'spec':{'replicas':3}}"));
    assertEquals(List.of("spec.template.spec.containers[0].image: nginx:1 -> nginx:2"),
        diff("{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'nginx:1'}]}}}}",
            "{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'nginx:2'}]}}}}"));
  }

  @Test
  void addedAndRemovedFieldsArePrefixed() throws Exception {
    assertEquals(List.of("-metadata.labels.old", "+metadata.labels.new=x"),
        diff("{'metadata':{'labels':{'old':'y'}}}", "{'metadata':{'labels':{'new':'x'}}}"));
    assertEquals(List.of("+status={\"phase\":\"Active\"}"), diff("{}", "{'status':{'phase':'Active'}}"));
    assertEquals(List.of("-spec.paused"), diff("{'spec':{'paused':true}}", "{'spec':{'paused':null}}"));
  }

  @Test
  void arraysOfDifferentLengthAreShownWhole() throws Exception {
    assertEquals(List.of("metadata.finalizers: [\"a\"] -> [\"a\",\"b\"]"),
        diff("{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':['a','b']}}"));
  }

  @Test
  void ignoresServerBookkeepingAndTypeFields() throws Exception {
    assertEquals(List.of(), diff(
        "{'apiVersion':'v1','kind':'A','metadata':{'resourceVersion':'1','generation':1,'managedFields':[]}}",
        "{'apiVersion':'v2','kind':'B','metadata':{'resourceVersion':'9','generation':2,'managedFields':[{}]}}"));
  }

  @Test
  void longValuesAreShortenedAndNewlinesFlattened() throws Exception {
    String longText = "x".repeat(100);
    List<String> out = diff("{'data':{'k':'a\\nb'}}", "{'data':{'k':'" + longText + "'}}");
    assertEquals(List.of("data.k: a b -> " + "x".repeat(57) + "..."), out);
  }

  @Test
  void aValueChangingShapeIsOneLine() throws Exception {
    assertEquals(List.of("spec.x: {\"a\":1} -> 2"), diff("{'spec':{'x':{'a':1}}}", "{'spec':{'x':2}}"));
  }
}
