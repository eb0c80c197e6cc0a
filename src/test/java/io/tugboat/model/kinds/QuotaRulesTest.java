package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaRulesTest {

  private static List<String> quotaErrors(String specYaml) {
    return described(QuotaRules.RESOURCE_QUOTA.validate(yaml("spec: " + specYaml)));
  }

  private static List<String> rangeErrors(String limitsYaml) {
    ObjectNode lr = yaml("spec: {limits: " + limitsYaml + "}");
    QuotaRules.LIMIT_RANGE.applyDefaults(lr);
    return described(QuotaRules.LIMIT_RANGE.validate(lr));
  }

  @Test
  void acceptsTheDocsQuotas() {
    assertEquals(List.of(), quotaErrors("{hard: {requests.cpu: '1', requests.memory: 1Gi, limits.cpu: '2',"
        + " limits.memory: 2Gi, pods: '2', count/deployments.apps: '3', services.nodeports: '0',"
        + " gold.storageclass.storage.k8s.io/requests.storage: 10Gi, requests.nvidia.com/gpu: '4'}}"));
  }

  @Test
  void rejectsUnknownResourceNamesAndBadQuantitiesNamingTheField() {
    assertEquals(List.of("spec.hard[cpus]: Invalid value: \"cpus\": must be a standard resource for quota"),
        quotaErrors("{hard: {cpus: '1'}}"));
    assertEquals(List.of("spec.hard[memory]: Invalid value: \"lots\": quantities must match the regular expression"
        + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"), quotaErrors("{hard: {memory: lots}}"));
    assertEquals(List.of("spec.hard[pods]: Invalid value: \"-1\": must be greater than or equal to 0"),
        quotaErrors("{hard: {pods: '-1'}}"));
    assertEquals(List.of("spec.hard[pods]: Invalid value: \"1.5\": must be an integer"),
        quotaErrors("{hard: {pods: '1.5'}}"));
  }

  @Test
  void scopesMustBeKnownConsistentAndFitTheResources() {
    assertEquals(List.of("spec.scopes[0]: Unsupported value: \"Sometimes\": supported values: \"Terminating\","
        + " \"NotTerminating\", \"BestEffort\", \"NotBestEffort\", \"PriorityClass\", \"CrossNamespacePodAffinity\""),
        quotaErrors("{hard: {pods: '1'}, scopes: [Sometimes]}"));
    assertEquals(List.of("spec.scopes: Invalid value: [BestEffort, NotBestEffort]: conflicting scopes"),
        quotaErrors("{hard: {pods: '1'}, scopes: [BestEffort, NotBestEffort]}"));
    assertEquals(List.of("spec.scopes: Invalid value: [BestEffort]: unsupported scope applied to resource"),
        quotaErrors("{hard: {requests.cpu: '1'}, scopes: [BestEffort]}"));
    assertEquals(List.of("spec.scopes: Invalid value: [Terminating]: unsupported scope applied to resource"),
        quotaErrors("{hard: {configmaps: '1'}, scopes: [Terminating]}"));
    assertEquals(List.of(), quotaErrors("{hard: {pods: '1', requests.cpu: '1'}, scopeSelector: {matchExpressions:"
        + " [{scopeName: PriorityClass, operator: In, values: [high]}]}}"));
    assertEquals(List.of("spec.scopeSelector.matchExpressions[0].values: Required value: must be at least one"
        + " value when `operator` is 'In' or 'NotIn' for scope selector"), quotaErrors("{hard: {pods: '1'}, scopeSelector:"
        + " {matchExpressions: [{scopeName: PriorityClass, operator: In}]}}"));
  }

  @Test
  void containerRangesDefaultLimitFromMaxAndRequestFromLimitOrMin() {
    ObjectNode lr = yaml("spec: {limits: [{type: Container, max: {cpu: 800m}, min: {cpu: 200m, memory: 100Mi}}]}");
    QuotaRules.LIMIT_RANGE.applyDefaults(lr);
    assertEquals(yaml("{cpu: 800m}"), lr.at("/spec/limits/0/default"));
    assertEquals(yaml("{cpu: 800m, memory: 100Mi}"), lr.at("/spec/limits/0/defaultRequest"));
    ObjectNode pod = yaml("spec: {limits: [{type: Pod, max: {cpu: '2'}}]}");
    QuotaRules.LIMIT_RANGE.applyDefaults(pod);
    assertEquals(yaml("spec: {limits: [{type: Pod, max: {cpu: '2'}}]}"), pod);
  }

  @Test
  void rangesMustBeOrderedMinDefaultRequestDefaultMax() {
    assertEquals(List.of("spec.limits[0].min[cpu]: Invalid value: \"1\": min value 1 is greater than max value 500m",
        "spec.limits[0].defaultRequest[cpu]: Invalid value: \"500m\": min value 1 is greater than default request"
            + " value 500m",
        "spec.limits[0].default[cpu]: Invalid value: \"500m\": min value 1 is greater than default value 500m"),
        rangeErrors("[{type: Container, min: {cpu: '1'}, max: {cpu: 500m}}]"));
    assertEquals(List.of("spec.limits[0].defaultRequest[memory]: Invalid value: \"2Gi\": default request value 2Gi"
        + " is greater than default limit value 1Gi"),
        rangeErrors("[{type: Container, default: {memory: 1Gi}, defaultRequest: {memory: 2Gi}}]"));
  }

  @Test
  void rejectsBadRangeInputNamingTheField() {
    assertEquals(List.of("spec.limits[0].type: Required value"), rangeErrors("[{max: {cpu: '1'}}]"));
    assertEquals(List.of("spec.limits[0].max[cpuz]: Invalid value: \"cpuz\": must be a standard resource type or"
        + " fully qualified"), rangeErrors("[{type: Pod, max: {cpuz: '1'}}]"));
    assertEquals(List.of("spec.limits[0].max[cpu]: Invalid value: \"x\": quantities must match the regular"
        + " expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"), rangeErrors("[{type: Pod, max: {cpu: x}}]"));
    assertEquals(List.of("spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"),
        rangeErrors("[{type: Pod, default: {cpu: '1'}}]"));
    assertEquals(List.of("spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: \"500m\": ratio 500m is less"
        + " than 1"), rangeErrors("[{type: Container, maxLimitRequestRatio: {cpu: 500m}}]"));
    assertEquals(List.of("spec.limits[0].limits: Required value: either minimum or maximum storage value is"
        + " required, but neither was provided"), rangeErrors("[{type: PersistentVolumeClaim}]"));
  }
}
