package io.tugboat.model.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonMergePatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  // The test cases of RFC 7386 appendix A, verbatim.
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'a':'b'}                  | {'a':'c'}               | {'a':'c'}",
      "{'a':'b'}                  | {'b':'c'}               | {'a':'b','b':'c'}",
      "{'a':'b'}                  | {'a':null}              | {}",
      "{'a':'b','b':'c'}          | {'a':null}              | {'b':'c'}",
      "{'a':['b']}                | {'a':'c'}               | {'a':'c'}",
      "{'a':'c'}                  | {'a':['b']}             | {'a':['b']}",
      "{'a':{'b':'c'}}            | {'a':{'b':'d','c':null}}| {'a':{'b':'d'}}",
      "{'a':[{'b':'c'}]}          | {'a':[1]}               | {'a':[1]}",
      "['a','b']                  | ['c','d']               | ['c','d']",
      "{'a':'b'}                  | ['c']                   | ['c']",
      "{'a':'foo'}                | null                    | null",
      "{'a':'foo'}                | 'bar'                   | 'bar'",
      "{'e':null}                 | {'a':1}                 | {'e':null,'a':1}",
      "[1,2]                      | {'a':'b','c':null}      | {'a':'b'}",
      "{}                         | {'a':{'bb':{'ccc':null}}}| {'a':{'bb':{}}}",
  })
  void followsRfc7386Examples(String target, String patch, String expected) throws Exception {
    assertEquals(json(expected), JsonMergePatch.apply(json(target), json(patch)));
  }

  @Test
  void nullTargetIsTreatedAsAbsent() throws Exception {
    assertEquals(json("{'a':1}"), JsonMergePatch.apply(null, json("{'a':1,'b':null}")));
  }

  @Test
  void neverMutatesItsInputs() throws Exception {
    JsonNode target = json("{'spec':{'replicas':1,'template':{'x':[1]}}}");
    JsonNode patch = json("{'spec':{'replicas':3,'template':{'y':{'z':1}}}}");
    JsonNode targetCopy = target.deepCopy();
    JsonNode patchCopy = patch.deepCopy();
    JsonNode result = JsonMergePatch.apply(target, patch);
    assertEquals(targetCopy, target);
    assertEquals(patchCopy, patch);
    ((com.fasterxml.jackson.databind.node.ObjectNode) result.get("spec").get("template").get("y")).put("w", 2);
    assertEquals(patchCopy, patch);
  }

  @Test
  void scaleLikePatchChangesOnlyReplicas() throws Exception {
    JsonNode deployment = json("{'metadata':{'name':'web'},'spec':{'replicas':1,'selector':{'matchLabels':{'a':'b'}}}}");
    JsonNode result = JsonMergePatch.apply(deployment, json("{'spec':{'replicas':5}}"));
    assertEquals(json("{'metadata':{'name':'web'},'spec':{'replicas':5,'selector':{'matchLabels':{'a':'b'}}}}"),
        result);
  }
}
