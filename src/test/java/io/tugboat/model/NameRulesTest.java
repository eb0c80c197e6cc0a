package io.tugboat.model;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NameRulesTest {

  @Test
  void acceptsSubdomainsAndRejectsUpperCaseWithKubernetesMessage() {
    assertTrue(NameRules.dns1123Subdomain("my-app.example.com").isEmpty());
    assertEquals(List.of("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
        + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for"
        + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        NameRules.dns1123Subdomain("My_App"));
  }

  @Test
  void rejectsSubdomainsLongerThan253() {
    assertEquals("must be no more than 253 characters", NameRules.dns1123Subdomain("a".repeat(254)).get(0));
  }

  @Test
  void labelsMayNotContainDots() {
    assertEquals(List.of("must not contain dots"), NameRules.dns1123Label("a.b"));
    assertEquals(List.of("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
        + " must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for"
        + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"), NameRules.dns1123Label("-a"));
    assertEquals("must be no more than 63 characters", NameRules.dns1123Label("a".repeat(64)).get(0));
  }

  @Test
  void dns1035LabelsMustStartWithALetter() {
    assertTrue(NameRules.dns1035Label("web-1").isEmpty());
    assertTrue(NameRules.dns1035Label("1web").get(0).startsWith("a DNS-1035 label must consist"));
  }

  @Test
  void qualifiedNamesTakeAnOptionalSubdomainPrefix() {
    assertTrue(NameRules.qualifiedName("app.kubernetes.io/name").isEmpty());
    assertTrue(NameRules.qualifiedName("MyName").isEmpty());
    assertEquals(List.of("prefix part must be non-empty"), NameRules.qualifiedName("/name"));
    assertEquals(List.of("name part must be non-empty", "name part must consist of alphanumeric characters, '-', '_'"
        + " or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
        + " '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        NameRules.qualifiedName("example.com/"));
    assertTrue(NameRules.qualifiedName("a/b/c").get(0).startsWith("a qualified name must consist of"));
    assertTrue(NameRules.qualifiedName("Example.com/x").get(0).startsWith("prefix part a lowercase RFC 1123"));
    assertEquals("name part must be no more than 63 characters", NameRules.qualifiedName("a".repeat(64)).get(0));
  }

  @Test
  void labelValuesMayBeEmptyButNotLong() {
    assertTrue(NameRules.labelValue("").isEmpty());
    assertTrue(NameRules.labelValue("v1.2_beta-3").isEmpty());
    assertEquals("must be no more than 63 characters", NameRules.labelValue("a".repeat(64)).get(0));
    assertTrue(NameRules.labelValue("-x").get(0).startsWith("a valid label must be an empty string"));
  }

  @Test
  void pathSegmentNamesRejectSlashPercentAndDots() {
    assertTrue(NameRules.pathSegmentName("system:controller:x").isEmpty());
    assertEquals(List.of("may not be '..'"), NameRules.pathSegmentName(".."));
    assertEquals(List.of("may not contain '/'", "may not contain '%'"), NameRules.pathSegmentName("a/%"));
  }

  @Test
  void labelErrorsAreReportedOnTheMapWithTheOffendingKeyOrValue() {
    List<FieldError> errs = NameRules.validateLabels(yaml("{'bad key': ok, good: 'bad value'}"), "metadata.labels");
    assertEquals(2, errs.size());
    assertTrue(errs.get(0).describe().startsWith("metadata.labels: Invalid value: \"bad key\": name part must"));
    assertTrue(errs.get(1).describe().startsWith("metadata.labels: Invalid value: \"bad value\": a valid label"));
  }

  @Test
  void annotationKeysAreCheckedInLowerCase() {
    assertTrue(NameRules.validateAnnotations(yaml("{Example.COM/Key: x}"), "metadata.annotations").isEmpty());
    assertEquals(1, NameRules.validateAnnotations(yaml("{'a b': x}"), "metadata.annotations").size());
  }

  @Test
  void annotationsLargerThan256KiBAreTooLong() {
    var big = yaml("{}");
    big.put("a", "x".repeat(262144));
    List<FieldError> errs = NameRules.validateAnnotations(big, "metadata.annotations");
    assertEquals(1, errs.size());
    assertEquals("FieldValueTooLong", errs.get(0).reason());
    assertEquals("metadata.annotations: Too long: must have at most 262144 bytes", errs.get(0).describe());
    big.put("a", "x".repeat(262143));
    assertTrue(NameRules.validateAnnotations(big, "metadata.annotations").isEmpty());
  }
}
