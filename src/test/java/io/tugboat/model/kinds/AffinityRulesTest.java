package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a pod may run is validated at create, with the field named, as Kubernetes does. */
class AffinityRulesTest {

  private static List<String> errors(String spec) {
    return described(PodSpecRules.validate(yaml("""
        containers: [{name: c, image: i}]
        restartPolicy: Always
        """ + spec), "spec"));
  }

  private static String nodeTerm(String expression) {
    return """
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms: [{matchExpressions: [%s]}]
        """.formatted(expression);
  }

  private static final String EXPR =
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
          + ".matchExpressions[0]";

  @Test
  void acceptsWellFormedTerms() {
    assertEquals(List.of(), errors("""
        nodeSelector: {disk: ssd}
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions: [{key: cores, operator: Gt, values: ['4']}, {key: zone, operator: Exists}]
                matchFields: [{key: metadata.name, operator: In, values: [n1]}]
            preferredDuringSchedulingIgnoredDuringExecution:
            - {weight: 10, preference: {matchExpressions: [{key: disk, operator: NotIn, values: [hdd]}]}}
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}
        tolerations: [{key: gpu, operator: Exists, effect: NoExecute, tolerationSeconds: 30}, {operator: Exists}]
        """));
  }

  @Test
  void namesTheOperatorAndValuesThatDoNotFit() {
    assertEquals(List.of(EXPR + ".values: Required value: must be specified when `operator` is 'In' or 'NotIn'"),
        errors(nodeTerm("{key: zone, operator: In}")));
    assertEquals(List.of(EXPR + ".values: Forbidden: may not be specified when `operator` is 'Exists' or "
        + "'DoesNotExist'"), errors(nodeTerm("{key: zone, operator: Exists, values: [a]}")));
    assertEquals(List.of(EXPR + ".values: Required value: must be specified single value when `operator` is 'Lt' "
        + "or 'Gt'"), errors(nodeTerm("{key: cores, operator: Gt, values: ['1', '2']}")));
    assertEquals(List.of(EXPR + ".values[0]: Invalid value: \"many\": must be an integer"),
        errors(nodeTerm("{key: cores, operator: Lt, values: [many]}")));
    assertEquals(List.of(EXPR + ".operator: Unsupported value: \"Near\": supported values: \"DoesNotExist\", "
        + "\"Exists\", \"Gt\", \"In\", \"Lt\", \"NotIn\""), errors(nodeTerm("{key: zone, operator: Near}")));
  }

  @Test
  void requiresTermsWeightsAndTopologyKeys() {
    assertEquals(List.of("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
        + "nodeSelectorTerms: Required value: must have at least one node selector term"), errors("""
        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}}}
        """));
    assertEquals(List.of(
        "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: "
            + "must be in the range 1-100",
        "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: "
            + "Required value: can not be empty"), errors("""
        affinity:
          podAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
            - {weight: 0, podAffinityTerm: {labelSelector: {matchLabels: {app: db}}}}
        """));
    assertEquals(List.of("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
        + ".labelSelector.matchExpressions[0].operator: Unsupported value: \"Gt\": supported values: \"In\", "
        + "\"NotIn\", \"Exists\", \"DoesNotExist\""), errors("""
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - {labelSelector: {matchExpressions: [{key: a, operator: Gt, values: ['1']}]}, topologyKey: zone}
        """));
  }

  @Test
  void matchFieldsOnlyNameTheNode() {
    assertEquals(List.of("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        + ".nodeSelectorTerms[0].matchFields[0].key: Invalid value: \"metadata.labels\": not a valid field selector "
        + "key"), errors("""
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms: [{matchFields: [{key: metadata.labels, operator: In, values: [x]}]}]
        """));
  }

  @Test
  void checksNodeSelectorLabelsAndTolerations() {
    assertEquals(List.of(
        "spec.tolerations[0].operator: Invalid value: \"a\": value must be empty when `operator` is 'Exists'",
        "spec.tolerations[1].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, "
            + "which means \"match all values and all keys\"",
        "spec.tolerations[2].effect: Unsupported value: \"Sometimes\": supported values: \"NoExecute\", "
            + "\"NoSchedule\", \"PreferNoSchedule\"",
        "spec.tolerations[3].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
            + "`tolerationSeconds` is set"), errors("""
        tolerations:
        - {key: k, operator: Exists, value: a}
        - {operator: Equal, value: b}
        - {key: k, effect: Sometimes}
        - {key: k, effect: NoSchedule, tolerationSeconds: 5}
        """));
    assertEquals(1, errors("nodeSelector: {'bad key!': x}\n").size());
  }
}
