package io.tugboat.model.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  private static JsonNode apply(String target, String ops) throws Exception {
    return JsonPatch.apply(json(target), json(ops));
  }

  private static String failure(String target, String ops) throws Exception {
    JsonNode t = json(target);
    JsonNode o = json(ops);
    return assertThrows(PatchException.class, () -> JsonPatch.apply(t, o)).getMessage();
  }

  // The successful examples of RFC 6902 appendix A.
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'foo':'bar'} | [{'op':'add','path':'/baz','value':'qux'}] | {'baz':'qux','foo':'bar'}",
      "{'foo':['bar','baz']} | [{'op':'add','path':'/foo/1','value':'qux'}] | {'foo':['bar','qux','baz']}",
      "{'baz':'qux','foo':'bar'} | [{'op':'remove','path':'/baz'}] | {'foo':'bar'}",
      "{'foo':['bar','qux','baz']} | [{'op':'remove','path':'/foo/1'}] | {'foo':['bar','baz']}",
      "{'baz':'qux','foo':'bar'} | [{'op':'replace','path':'/baz','value':'boo'}] | {'baz':'boo','foo':'bar'}",
      "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}} "
          + "| [{'op':'move','from':'/foo/waldo','path':'/qux/thud'}] "
          + "| {'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}",
      "{'foo':['all','grass','cows','eat']} | [{'op':'move','from':'/foo/1','path':'/foo/3'}] "
          + "| {'foo':['all','cows','eat','grass']}",
      "{'baz':'qux','foo':['a',2,'c']} | [{'op':'test','path':'/baz','value':'qux'},"
          + "{'op':'test','path':'/foo/1','value':2}] | {'baz':'qux','foo':['a',2,'c']}",
      "{'foo':'bar'} | [{'op':'add','path':'/child','value':{'grandchild':{}}}] "
          + "| {'foo':'bar','child':{'grandchild':{}}}",
      "{'foo':'bar'} | [{'op':'add','path':'/baz','value':'qux','xyz':123}] | {'foo':'bar','baz':'qux'}",
      "{'foo':['bar']} | [{'op':'add','path':'/foo/-','value':['abc','def']}] | {'foo':['bar',['abc','def']]}",
      "{'/':9,'~1':10} | [{'op':'test','path':'/~01','value':10}] | {'/':9,'~1':10}",
      "{'foo':null} | [{'op':'test','path':'/foo','value':null}] | {'foo':null}",
      "{'foo':'bar'} | [{'op':'replace','path':'','value':[1]}] | [1]",
      "{'a':{'b':1}} | [{'op':'copy','from':'/a','path':'/c'}] | {'a':{'b':1},'c':{'b':1}}",
      "{'a/b':1,'m~n':2} | [{'op':'remove','path':'/a~1b'},{'op':'replace','path':'/m~0n','value':3}] | {'m~n':3}",
      "{'a':[1,2]} | [{'op':'add','path':'/a/2','value':3}] | {'a':[1,2,3]}",
      "{'a':1} | [{'op':'test','path':'/a','value':1.0}] | {'a':1}",
  })
  void followsRfc6902Examples(String target, String ops, String expected) throws Exception {
    assertEquals(json(expected), apply(target, ops));
  }

  @Test
  void failedTestNamesThePath() throws Exception {
    String msg = failure("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]");
    assertTrue(msg.startsWith("testing value /baz failed"), msg);
  }

  @Test
  void missingPathIsReportedLikeKubernetes() throws Exception {
    assertEquals("remove operation does not apply: doc is missing path: /spec/x",
        failure("{'spec':{}}", "[{'op':'remove','path':'/spec/x'}]"));
    assertEquals("replace operation does not apply: doc is missing path: /spec/x",
        failure("{'spec':{}}", "[{'op':'replace','path':'/spec/x','value':1}]"));
    assertEquals("add operation does not apply: doc is missing path: /a/b/c",
        failure("{'a':{}}", "[{'op':'add','path':'/a/b/c','value':1}]"));
    assertEquals("test operation does not apply: doc is missing path: /q",
        failure("{}", "[{'op':'test','path':'/q','value':1}]"));
    assertEquals("move operation does not apply: doc is missing from path: /q",
        failure("{}", "[{'op':'move','from':'/q','path':'/r'}]"));
  }

  @Test
  void arrayIndicesAreBoundsCheckedAndCanonical() throws Exception {
    assertTrue(failure("{'a':[1]}", "[{'op':'add','path':'/a/2','value':3}]").contains("out of bounds"));
    failure("{'a':[1]}", "[{'op':'remove','path':'/a/1'}]");
    failure("{'a':[1,2]}", "[{'op':'remove','path':'/a/01'}]");
    failure("{'a':[1]}", "[{'op':'remove','path':'/a/-'}]");
    failure("{'a':[1]}", "[{'op':'replace','path':'/a/x','value':1}]");
  }

  @Test
  void rejectsMalformedPatches() throws Exception {
    assertTrue(failure("{}", "{'op':'add','path':'/a','value':1}").contains("must be a list"));
    failure("{}", "[{'op':'frobnicate','path':'/a'}]");
    failure("{}", "[{'path':'/a','value':1}]");
    failure("{}", "[{'op':'add','value':1}]");
    failure("{}", "[{'op':'add','path':'/a'}]");
    failure("{}", "[{'op':'add','path':'a','value':1}]");
    failure("{'a~':1}", "[{'op':'remove','path':'/a~'}]");
    failure("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]");
    failure("{}", "[{'op':'remove','path':''}]");
  }

  @Test
  void failureLeavesTargetUntouchedEvenAfterEarlierOperationsSucceeded() throws Exception {
    JsonNode target = json("{'a':1}");
    JsonNode ops = json("[{'op':'replace','path':'/a','value':2},{'op':'test','path':'/a','value':3}]");
    assertThrows(PatchException.class, () -> JsonPatch.apply(target, ops));
    assertEquals(json("{'a':1}"), target);
  }

  @Test
  void neverMutatesItsInputs() throws Exception {
    JsonNode target = json("{'a':{'b':[1,2]}}");
    JsonNode ops = json("[{'op':'add','path':'/c','value':{'d':1}},{'op':'copy','from':'/a','path':'/e'},"
        + "{'op':'add','path':'/a/b/-','value':3}]");
    JsonNode targetCopy = target.deepCopy();
    JsonNode opsCopy = ops.deepCopy();
    JsonNode result = JsonPatch.apply(target, ops);
    ((com.fasterxml.jackson.databind.node.ObjectNode) result.get("c")).put("x", 1);
    assertEquals(json("{'a':{'b':[1,2,3]},'c':{'d':1,'x':1},'e':{'b':[1,2]}}"), result);
    assertEquals(targetCopy, target);
    assertEquals(opsCopy, ops);
  }

  @Test
  void moveToSamePathIsANoOp() throws Exception {
    assertEquals(json("{'a':1}"), apply("{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]"));
  }

  @Test
  void testComparesObjectsIgnoringMemberOrder() throws Exception {
    apply("{'a':{'x':1,'y':[1,{'z':2}]}}", "[{'op':'test','path':'/a','value':{'y':[1,{'z':2}],'x':1}}]");
    failure("{'a':[1,2]}", "[{'op':'test','path':'/a','value':[2,1]}]");
  }
}
