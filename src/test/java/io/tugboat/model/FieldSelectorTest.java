package io.tugboat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.model.FieldSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

  private static Function<String, String> fields(Map<String, String> values) {
    return f -> values.getOrDefault(f, "");
  }

  private static final Function<String, String> POD =
      fields(Map.of("metadata.name", "web-1", "spec.nodeName", "n1", "status.phase", "Running"));

  @Test
  void nullAndEmptySelectEverything() {
    assertTrue(FieldSelector.parse(null).isEverything());
    assertTrue(FieldSelector.parse("").isEverything());
    assertTrue(FieldSelector.parse(",").isEverything());
    assertTrue(FieldSelector.parse("").matches(POD));
  }

  @Test
  void singleAndDoubleEqualsMeanTheSame() {
    assertEquals(List.of(new Requirement("spec.nodeName", true, "n1")), FieldSelector.parse("spec.nodeName=n1")
        .requirements());
    assertEquals(List.of(new Requirement("spec.nodeName", true, "n1")), FieldSelector.parse("spec.nodeName==n1")
        .requirements());
    assertTrue(FieldSelector.parse("spec.nodeName==n1").matches(POD));
  }

  @Test
  void notEqualsRejectsTheValue() {
    assertFalse(FieldSelector.parse("status.phase!=Running").matches(POD));
    assertTrue(FieldSelector.parse("status.phase!=Failed").matches(POD));
  }

  @Test
  void missingFieldsCompareAsEmpty() {
    assertTrue(FieldSelector.parse("spec.schedulerName=").matches(POD));
    assertTrue(FieldSelector.parse("spec.schedulerName!=x").matches(POD));
    assertFalse(FieldSelector.parse("spec.schedulerName=x").matches(POD));
    assertTrue(FieldSelector.parse("spec.nodeName!=").matches(POD));
  }

  @Test
  void allTermsMustHoldAndComeBackSortedAsKubernetesOrdersThem() {
    FieldSelector s = FieldSelector.parse("status.phase!=Failed,spec.nodeName=n1");
    assertTrue(s.matches(POD));
    assertEquals(List.of(new Requirement("spec.nodeName", true, "n1"), new Requirement("status.phase", false,
        "Failed")), s.requirements());
    assertFalse(FieldSelector.parse("spec.nodeName=n1,status.phase=Failed").matches(POD));
  }

  @Test
  void backslashEscapesCommaEqualsAndBackslashInValues() {
    assertEquals(List.of(new Requirement("metadata.name", true, "a,b=c\\d")),
        FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d").requirements());
    assertEquals("metadata.name=a\\,b\\=c\\\\d", FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d").toString());
  }

  @Test
  void rejectsTermWithoutOperator() {
    assertEquals("invalid selector: 'a=b,c'; can't understand 'c'",
        assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("a=b,c")).getMessage());
  }

  @Test
  void rejectsBadEscapesAndUnescapedSpecials() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("a=b\\x")).getMessage()
        .contains("invalid escape sequence: \\x"));
    assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("a=b\\"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("a=b=c")).getMessage()
        .contains("unescaped character in value"));
  }
}
