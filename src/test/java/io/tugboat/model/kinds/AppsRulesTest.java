package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.KindRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppsRulesTest {

  private static final String TEMPLATE = """
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: 'nginx:1'}]}
        """;

  private static ObjectNode defaulted(KindRules rules, String spec) {
    ObjectNode obj = yaml("metadata: {name: w}\nspec:\n" + spec.indent(2));
    rules.applyDefaults(obj);
    return obj;
  }

  @Test
  void defaultsADeployment() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT, "selector: {matchLabels: {app: web}}\n" + TEMPLATE);
    assertEquals(1, d.at("/spec/replicas").asInt());
    assertEquals(yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 25%, maxSurge: 25%}}"), d.at("/spec/strategy"));
    assertEquals(10, d.at("/spec/revisionHistoryLimit").asInt());
    assertEquals(600, d.at("/spec/progressDeadlineSeconds").asInt());
    assertEquals("ClusterFirst", d.at("/spec/template/spec/dnsPolicy").asText());
    assertEquals("IfNotPresent", d.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
    assertFalse(d.at("/spec/template/spec").has("enableServiceLinks"), "pod-only default");
    assertFalse(d.at("/spec/template").has("status"));
    assertEquals(List.of(), AppsRules.DEPLOYMENT.validate(d));
  }

  @Test
  void recreateDeploymentsGetNoRollingUpdate() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT,
        "strategy: {type: Recreate}\nselector: {matchLabels: {app: web}}\n" + TEMPLATE);
    assertEquals(yaml("{type: Recreate}"), d.at("/spec/strategy"));
  }

  @Test
  void requiresASelector() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT, TEMPLATE);
    assertEquals(List.of("spec.selector: Required value"), described(AppsRules.DEPLOYMENT.validate(d)));
  }

  @Test
  void selectorMustMatchTemplateLabels() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT, "selector: {matchLabels: {app: api}}\n" + TEMPLATE);
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector`"
        + " does not match template `labels`"), described(AppsRules.DEPLOYMENT.validate(d)));
  }

  @Test
  void matchExpressionsCount() {
    ObjectNode d = defaulted(AppsRules.REPLICA_SET,
        "selector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}\n" + TEMPLATE);
    assertEquals(List.of(), AppsRules.REPLICA_SET.validate(d));
  }

  @Test
  void rejectsNegativeReplicasAndNonAlwaysRestart() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT, """
        replicas: -1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {restartPolicy: Never, containers: [{name: c, image: x}]}
        """);
    assertEquals(List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
        described(AppsRules.DEPLOYMENT.validate(d)));
  }

  @Test
  void maxSurgeAndMaxUnavailableMayNotBothBeZero() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT, "strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: '0%'}}\n"
        + "selector: {matchLabels: {app: web}}\n" + TEMPLATE);
    assertEquals(List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0%: may not be 0 when `maxSurge`"
        + " is 0"), described(AppsRules.DEPLOYMENT.validate(d)));
  }

  @Test
  void percentagesMustBeWellFormed() {
    ObjectNode d = defaulted(AppsRules.DEPLOYMENT, "strategy: {rollingUpdate: {maxSurge: 'x', maxUnavailable: '150%'}}\n"
        + "selector: {matchLabels: {app: web}}\n" + TEMPLATE);
    assertEquals(List.of("spec.strategy.rollingUpdate.maxSurge", "spec.strategy.rollingUpdate.maxUnavailable"),
        io.tugboat.model.TestObjects.fields(AppsRules.DEPLOYMENT.validate(d)));
  }

  @Test
  void selectorIsImmutable() {
    ObjectNode old = defaulted(AppsRules.DEPLOYMENT, "selector: {matchLabels: {app: web}}\n" + TEMPLATE);
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.at("/spec/selector/matchLabels")).put("tier", "x");
    assertEquals(List.of("spec.selector"), io.tugboat.model.TestObjects.fields(AppsRules.DEPLOYMENT.validateUpdate(now, old)));
    ObjectNode scaled = old.deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 5);
    assertEquals(List.of(), AppsRules.DEPLOYMENT.validateUpdate(scaled, old));
  }

  @Test
  void defaultsADaemonSet() {
    ObjectNode ds = defaulted(AppsRules.DAEMON_SET, "selector: {matchLabels: {app: web}}\n" + TEMPLATE);
    assertEquals(yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}"), ds.at("/spec/updateStrategy"));
    assertEquals(10, ds.at("/spec/revisionHistoryLimit").asInt());
    assertFalse(ds.get("spec").has("replicas"));
    assertEquals(List.of(), AppsRules.DAEMON_SET.validate(ds));
  }

  @Test
  void defaultsAStatefulSet() {
    ObjectNode sts = defaulted(AppsRules.STATEFUL_SET, "serviceName: web\nselector: {matchLabels: {app: web}}\n"
        + "volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce]}}]\n"
        + TEMPLATE);
    assertEquals(1, sts.at("/spec/replicas").asInt());
    assertEquals("OrderedReady", sts.at("/spec/podManagementPolicy").asText());
    assertEquals(yaml("{type: RollingUpdate, rollingUpdate: {partition: 0}}"), sts.at("/spec/updateStrategy"));
    assertEquals(yaml("{whenDeleted: Retain, whenScaled: Retain}"), sts.at("/spec/persistentVolumeClaimRetentionPolicy"));
    assertEquals("Filesystem", sts.at("/spec/volumeClaimTemplates/0/spec/volumeMode").asText());
    assertEquals(List.of(), AppsRules.STATEFUL_SET.validate(sts));
  }

  @Test
  void statefulSetSpecIsMostlyImmutable() {
    ObjectNode old = defaulted(AppsRules.STATEFUL_SET,
        "serviceName: web\nselector: {matchLabels: {app: web}}\n" + TEMPLATE);
    ObjectNode scaled = old.deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 3);
    assertEquals(List.of(), AppsRules.STATEFUL_SET.validateUpdate(scaled, old));
    ObjectNode renamed = old.deepCopy();
    ((ObjectNode) renamed.get("spec")).put("serviceName", "other");
    assertEquals("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals',"
        + " 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        described(AppsRules.STATEFUL_SET.validateUpdate(renamed, old)).get(0));
  }

  @Test
  void statefulSetMountsMayNameClaimTemplatesButNotUnknownVolumes() {
    String template = """
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: 'nginx:1', volumeMounts: [{name: www, mountPath: /data}]}]}
        """;
    ObjectNode sts = defaulted(AppsRules.STATEFUL_SET, "serviceName: web\nselector: {matchLabels: {app: web}}\n"
        + "volumeClaimTemplates: [{metadata: {name: www}, spec: {accessModes: [ReadWriteOnce]}}]\n" + template);
    assertEquals(List.of(), AppsRules.STATEFUL_SET.validate(sts));
    assertFalse(sts.at("/spec/template/spec").has("volumes"), "validation leaves the object as it was");
    ObjectNode without = defaulted(AppsRules.STATEFUL_SET, "serviceName: web\nselector: {matchLabels: {app: web}}\n"
        + template);
    assertEquals(List.of("spec.template.spec.containers[0].volumeMounts[0].name"),
        io.tugboat.model.TestObjects.fields(AppsRules.STATEFUL_SET.validate(without)));
  }

  @Test
  void statefulSetMaxUnavailableMustBePositive() {
    ObjectNode sts = defaulted(AppsRules.STATEFUL_SET, "serviceName: web\nselector: {matchLabels: {app: web}}\n"
        + "updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0}}\n" + TEMPLATE);
    assertEquals(List.of("spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater than 0"),
        described(AppsRules.STATEFUL_SET.validate(sts)));
    ((ObjectNode) sts.at("/spec/updateStrategy/rollingUpdate")).put("maxUnavailable", "50%");
    assertEquals(List.of(), AppsRules.STATEFUL_SET.validate(sts));
  }

  @Test
  void replicationControllerSelectorAndLabelsDefaultToTemplateLabels() {
    ObjectNode rc = defaulted(AppsRules.REPLICATION_CONTROLLER, TEMPLATE);
    assertEquals(yaml("{app: web}"), rc.at("/spec/selector"));
    assertEquals(yaml("{app: web}"), rc.at("/metadata/labels"));
    assertEquals(1, rc.at("/spec/replicas").asInt());
    assertEquals(List.of(), AppsRules.REPLICATION_CONTROLLER.validate(rc));
  }

  @Test
  void replicationControllerSelectorMustMatch() {
    ObjectNode rc = defaulted(AppsRules.REPLICATION_CONTROLLER, "selector: {app: api}\n" + TEMPLATE);
    assertEquals(List.of("spec.template.metadata.labels"),
        io.tugboat.model.TestObjects.fields(AppsRules.REPLICATION_CONTROLLER.validate(rc)));
  }
}
