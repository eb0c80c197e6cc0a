package io.tugboat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  @Test
  void nullAndEmptyStringSelectEverything() {
    assertTrue(LabelSelector.parse(null).isEverything());
    assertTrue(LabelSelector.parse("").isEverything());
    assertTrue(LabelSelector.parse("  ").isEverything());
    assertTrue(LabelSelector.parse("").matches(Map.of()));
    assertEquals("", LabelSelector.parse("").toString());
  }

  @Test
  void equalityMatchesOnlyTheSameValue() {
    assertTrue(LabelSelector.parse("app=web").matches(WEB));
    assertTrue(LabelSelector.parse("app==web").matches(WEB));
    assertFalse(LabelSelector.parse("app=db").matches(WEB));
    assertFalse(LabelSelector.parse("zone=a").matches(WEB));
  }

  @Test
  void notEqualsMatchesObjectsLackingTheKey() {
    assertTrue(LabelSelector.parse("zone!=a").matches(WEB));
    assertTrue(LabelSelector.parse("app!=db").matches(WEB));
    assertFalse(LabelSelector.parse("app!=web").matches(WEB));
  }

  @Test
  void inOperatorMatchesAnyListedValue() {
    LabelSelector s = LabelSelector.parse("app in (db, web)");
    assertTrue(s.matches(WEB));
    assertTrue(s.matches(Map.of("app", "db")));
    assertFalse(s.matches(Map.of("app", "cache")));
    assertFalse(s.matches(Map.of()));
  }

  @Test
  void notInMatchesObjectsLackingTheKeyOrHavingAnotherValue() {
    LabelSelector s = LabelSelector.parse("app notin (db)");
    assertTrue(s.matches(WEB));
    assertTrue(s.matches(Map.of()));
    assertFalse(s.matches(Map.of("app", "db")));
  }

  @Test
  void bareKeyRequiresPresenceAndBangKeyRequiresAbsence() {
    assertTrue(LabelSelector.parse("app").matches(WEB));
    assertFalse(LabelSelector.parse("zone").matches(WEB));
    assertTrue(LabelSelector.parse("!zone").matches(WEB));
    assertFalse(LabelSelector.parse("!app").matches(WEB));
  }

  @Test
  void allRequirementsMustHold() {
    assertTrue(LabelSelector.parse("app=web,tier in (front,back),!zone").matches(WEB));
    assertFalse(LabelSelector.parse("app=web,tier=back").matches(WEB));
  }

  @Test
  void greaterAndLessThanCompareIntegers() {
    assertTrue(LabelSelector.parse("rank>3").matches(Map.of("rank", "10")));
    assertFalse(LabelSelector.parse("rank<3").matches(Map.of("rank", "10")));
    assertFalse(LabelSelector.parse("rank>3").matches(Map.of("rank", "ten")));
    assertFalse(LabelSelector.parse("rank>3").matches(Map.of()));
  }

  @Test
  void emptyValuesAreAllowed() {
    assertTrue(LabelSelector.parse("app=").matches(Map.of("app", "")));
    assertFalse(LabelSelector.parse("app=").matches(Map.of()));
    assertTrue(LabelSelector.parse("app in ()").matches(Map.of("app", "")));
    assertEquals("a in (,x)", LabelSelector.parse("a in (x,)").toString());
    assertEquals("a in (,x,y)", LabelSelector.parse("a in (x,,y)").toString());
  }

  @Test
  void keywordsAreOrdinaryWordsOutsideOperatorPosition() {
    LabelSelector s = LabelSelector.parse("in in (in, notin)");
    assertTrue(s.matches(Map.of("in", "notin")));
  }

  @Test
  void toStringIsCanonicalSortedByKeyWithSortedValues() {
    assertEquals("app=web,tier in (a,b)", LabelSelector.parse(" tier in (b,a) , app = web").toString());
    assertEquals("!a,b,c!=x,d notin (y),e==z", LabelSelector.parse("e==z,d notin (y),c!=x,b,!a").toString());
  }

  @Test
  void toStringRoundTripsThroughParse() {
    String s = LabelSelector.parse("x notin (b,a),!y,z,w>5").toString();
    assertEquals(s, LabelSelector.parse(s).toString());
  }

  @Test
  void prefixedKeysAreAccepted() {
    LabelSelector s = LabelSelector.parse("app.kubernetes.io/name=web");
    assertTrue(s.matches(Map.of("app.kubernetes.io/name", "web")));
  }

  @Test
  void rejectsInvalidKeyWithKubernetesMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("-app=web"));
    assertTrue(e.getMessage().startsWith("unable to parse requirement: <nil>: Invalid value: \"-app\": name part "
        + "must consist of alphanumeric characters"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("Example.com/a=b"));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("/a=b"));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a/b/c=d"));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a".repeat(64)));
    LabelSelector.parse("a".repeat(63));
    LabelSelector.parse("b".repeat(253) + "/" + "a".repeat(63));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("b".repeat(254) + "/a"));
  }

  @Test
  void rejectsInvalidValueNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app=-web"));
    assertTrue(e.getMessage().startsWith("unable to parse requirement: values[0][app]: Invalid value: \"-web\": "
        + "a valid label must be an empty string"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app=" + "v".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app in (ok, no/slash)"));
  }

  @Test
  void rejectsBadSyntaxWithKubernetesMessages() {
    assertEquals("found ',', expected: !, identifier, or 'end of string'",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(",a")).getMessage());
    assertEquals("found '', expected: identifier after ','",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a,")).getMessage());
    assertEquals("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a b")).getMessage());
    assertEquals("unable to parse requirement: found 'x' expected: '('",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a in x")).getMessage());
    assertEquals("found '=', expected: ',' or 'end of string'",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("!a=b")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a in (x"));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a in (x y)"));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a=(b)"));
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a>x"));
  }

  @Test
  void jsonInWithoutValuesReportsTheEmptyList() throws Exception {
    JsonNode in = json("{'matchExpressions':[{'key':'a','operator':'NotIn'}]}");
    assertEquals("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromJson(in)).getMessage());
  }

  @Test
  void jsonMatchLabelsAndExpressionsCombine() throws Exception {
    LabelSelector s = LabelSelector.fromJson(json("{'matchLabels':{'app':'web'},'matchExpressions':["
        + "{'key':'tier','operator':'In','values':['front','back']},{'key':'zone','operator':'DoesNotExist'},"
        + "{'key':'env','operator':'NotIn','values':['prod']},{'key':'app','operator':'Exists'}]}"));
    assertTrue(s.matches(WEB));
    assertFalse(s.matches(Map.of("app", "web", "tier", "front", "env", "prod")));
    assertEquals("app=web,app,env notin (prod),tier in (back,front),!zone", s.toString());
  }

  @Test
  void jsonNullOrMissingSelectorMatchesNothing() {
    assertTrue(LabelSelector.fromJson(null).isNothing());
    assertTrue(LabelSelector.fromJson(NullNode.getInstance()).isNothing());
    assertTrue(LabelSelector.fromJson(MissingNode.getInstance()).isNothing());
    assertFalse(LabelSelector.fromJson(NullNode.getInstance()).matches(Map.of()));
    assertFalse(LabelSelector.fromJson(null).isEverything());
  }

  @Test
  void jsonEmptySelectorMatchesEverything() throws Exception {
    LabelSelector s = LabelSelector.fromJson(json("{}"));
    assertTrue(s.isEverything());
    assertTrue(s.matches(WEB));
    assertTrue(LabelSelector.fromJson(json("{'matchLabels':{},'matchExpressions':[]}")).isEverything());
  }

  @Test
  void jsonRejectsUnknownOperator() throws Exception {
    JsonNode bad = json("{'matchExpressions':[{'key':'a','operator':'Gt','values':['1']}]}");
    assertEquals("\"Gt\" is not a valid label selector operator",
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromJson(bad)).getMessage());
  }

  @Test
  void jsonRejectsInWithoutValuesAndExistsWithValues() throws Exception {
    JsonNode in = json("{'matchExpressions':[{'key':'a','operator':'In','values':[]}]}");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromJson(in)).getMessage()
        .contains("values set can't be empty"));
    JsonNode exists = json("{'matchExpressions':[{'key':'a','operator':'Exists','values':['x']}]}");
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromJson(exists));
    JsonNode badKey = json("{'matchLabels':{'bad key':'x'}}");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromJson(badKey)).getMessage()
        .startsWith("key: Invalid value: \"bad key\""));
  }

  @Test
  void matchesJsonLabelsTreatingMissingAsNoLabels() throws Exception {
    LabelSelector s = LabelSelector.parse("app=web");
    assertTrue(s.matches(json("{'app':'web','x':'y'}")));
    assertFalse(s.matches((JsonNode) null));
    assertFalse(s.matches(MissingNode.getInstance()));
    assertTrue(LabelSelector.parse("!app").matches(MissingNode.getInstance()));
    assertTrue(LabelSelector.everything().matches((JsonNode) null));
  }
}
