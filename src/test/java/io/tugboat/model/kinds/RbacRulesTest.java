package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.fields;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RbacRulesTest {

  @Test
  void rulesNeedVerbsGroupsAndResources() {
    assertEquals(List.of("rules[0].verbs: Required value: verbs must contain at least one value",
        "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
        "rules[0].resources: Required value: resource rules must supply at least one resource"),
        described(RbacRules.ROLE.validate(yaml("rules: [{}]"))));
    assertEquals(List.of(), RbacRules.ROLE.validate(yaml("rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]")));
  }

  @Test
  void onlyClusterRolesMayNameNonResourceUrls() {
    ObjectNode role = yaml("rules: [{nonResourceURLs: [/healthz], verbs: [get]}]");
    assertEquals(List.of(), RbacRules.CLUSTER_ROLE.validate(role));
    assertEquals(List.of("rules[0].nonResourceURLs"), fields(RbacRules.ROLE.validate(role)));
  }

  @Test
  void bindingsNeedARoleRef() {
    assertEquals(List.of(
        "roleRef.apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"",
        "roleRef.kind: Unsupported value: \"\": supported values: \"Role\", \"ClusterRole\"",
        "roleRef.name: Required value"), described(RbacRules.ROLE_BINDING.validate(yaml("{}"))));
  }

  @Test
  void clusterRoleBindingsBindClusterRolesToNamespacedServiceAccounts() {
    ObjectNode binding = yaml("""
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects: [{kind: ServiceAccount, name: sa}, {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
        """);
    assertEquals(List.of("roleRef.kind", "subjects[0].namespace"), fields(RbacRules.CLUSTER_ROLE_BINDING.validate(binding)));
  }

  @Test
  void roleRefIsImmutable() {
    ObjectNode old = yaml("roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}");
    ObjectNode now = yaml("roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}");
    assertEquals(List.of("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\","
        + " Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef"),
        described(RbacRules.ROLE_BINDING.validateUpdate(now, old)));
    assertEquals(List.of(), RbacRules.ROLE_BINDING.validateUpdate(old.deepCopy(), old));
  }
}
