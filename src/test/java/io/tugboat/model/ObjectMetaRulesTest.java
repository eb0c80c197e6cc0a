package io.tugboat.model;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.type;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectMetaRulesTest {

  private static final ResourceType POD = type("v1", "Pod");

  @Test
  void acceptsAWellFormedPod() {
    assertEquals(List.of(), ObjectMetaRules.validateCreate(POD, yaml("""
        metadata:
          name: web-0
          namespace: default
          labels: {app: web}
          annotations: {example.com/owner: team}
          finalizers: [example.com/cleanup]
        """)));
  }

  @Test
  void requiresANameAndANamespaceForNamespacedKinds() {
    assertEquals(List.of("metadata.name: Required value: name or generateName is required",
        "metadata.namespace: Required value"), described(ObjectMetaRules.validateCreate(POD, yaml("metadata: {}"))));
  }

  @Test
  void forbidsANamespaceOnClusterScopedKinds() {
    assertEquals(List.of("metadata.namespace: Forbidden: not allowed on this type"), described(
        ObjectMetaRules.validateCreate(type("v1", "Node"), yaml("metadata: {name: n1, namespace: default}"))));
  }

  @Test
  void mostKindsTakeSubdomainNames() {
    assertTrue(ObjectMetaRules.validateCreate(POD, yaml("metadata: {name: a.b, namespace: d}")).isEmpty());
    List<FieldError> errs = ObjectMetaRules.validateCreate(POD, yaml("metadata: {name: A, namespace: d}"));
    assertEquals("metadata.name", errs.get(0).field());
    assertTrue(errs.get(0).message().startsWith("Invalid value: \"A\": a lowercase RFC 1123 subdomain"));
  }

  @Test
  void namespacesTakeLabelNamesAndServicesDns1035Labels() {
    assertEquals(List.of("metadata.name: Invalid value: \"a.b\": must not contain dots"),
        described(ObjectMetaRules.validateCreate(type("v1", "Namespace"), yaml("metadata: {name: a.b}"))));
    List<FieldError> errs =
        ObjectMetaRules.validateCreate(type("v1", "Service"), yaml("metadata: {name: 1web, namespace: d}"));
    assertTrue(errs.get(0).message().contains("a DNS-1035 label"));
  }

  @Test
  void rbacKindsTakePathSegmentNames() {
    ResourceType clusterRole = type("rbac.authorization.k8s.io/v1", "ClusterRole");
    assertTrue(ObjectMetaRules.validateCreate(clusterRole, yaml("metadata: {name: 'system:aggregate-to-edit'}"))
        .isEmpty());
    assertEquals(List.of("metadata.name: Invalid value: \"a/b\": may not contain '/'"),
        described(ObjectMetaRules.validateCreate(clusterRole, yaml("metadata: {name: a/b}"))));
  }

  @Test
  void generateNameMayEndInADash() {
    assertTrue(ObjectMetaRules.validateCreate(POD, yaml("metadata: {generateName: web-, name: web-x1, namespace: d}"))
        .isEmpty());
  }

  @Test
  void ownerReferencesNeedApiVersionKindNameAndUid() {
    assertEquals(List.of("metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
        "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
        "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
        "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty"),
        described(ObjectMetaRules.validateCreate(POD, yaml("metadata: {name: p, namespace: d, ownerReferences: [{}]}"))));
  }

  @Test
  void onlyOneOwnerMayBeTheController() {
    List<FieldError> errs = ObjectMetaRules.validateCreate(POD, yaml("""
        metadata:
          name: p
          namespace: d
          ownerReferences:
          - {apiVersion: apps/v1, kind: ReplicaSet, name: a, uid: '1', controller: true}
          - {apiVersion: apps/v1, kind: ReplicaSet, name: b, uid: '2', controller: true}
        """));
    assertEquals(1, errs.size());
    assertTrue(errs.get(0).message().endsWith(
        "Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/a and ReplicaSet/b"));
  }

  @Test
  void finalizersMustBeQualifiedNames() {
    List<FieldError> errs = ObjectMetaRules.validateCreate(POD, yaml("metadata: {name: p, namespace: d, finalizers: ['a b']}"));
    assertEquals("metadata.finalizers", errs.get(0).field());
  }

  @Test
  void updatesMayNotChangeIdentity() {
    var old = yaml("metadata: {name: p, namespace: d, uid: u1, creationTimestamp: '2024-01-01T00:00:00Z'}");
    var now = yaml("metadata: {name: q, namespace: e, uid: u2, creationTimestamp: '2025-01-01T00:00:00Z'}");
    assertEquals(List.of("metadata.name: Invalid value: \"q\": field is immutable",
        "metadata.namespace: Invalid value: \"e\": field is immutable",
        "metadata.uid: Invalid value: \"u2\": field is immutable",
        "metadata.creationTimestamp: Invalid value: \"2025-01-01T00:00:00Z\": field is immutable"),
        described(ObjectMetaRules.validateUpdate(POD, now, old)));
    assertTrue(ObjectMetaRules.validateUpdate(POD, old.deepCopy(), old).isEmpty());
  }

  @Test
  void updatesStillValidateLabels() {
    var old = yaml("metadata: {name: p, namespace: d}");
    var now = yaml("metadata: {name: p, namespace: d, labels: {a: '-'}}");
    assertEquals(List.of("metadata.labels"), TestObjects.fields(ObjectMetaRules.validateUpdate(POD, now, old)));
  }

  @Test
  void noNewFinalizersOnceDeletionStarted() {
    var old = yaml("metadata: {name: p, namespace: d, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: [a.io/x]}");
    var now = yaml("metadata: {name: p, namespace: d, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: [a.io/x, b.io/y]}");
    assertEquals(List.of("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being"
        + " deleted, found new finalizers []string{\"b.io/y\"}"), described(ObjectMetaRules.validateUpdate(POD, now, old)));
  }
}
