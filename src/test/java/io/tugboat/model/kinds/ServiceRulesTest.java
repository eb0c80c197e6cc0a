package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.fields;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRulesTest {

  private final ServiceRules rules = new ServiceRules();

  private ObjectNode defaulted(String spec) {
    ObjectNode svc = yaml("metadata: {name: web}\nspec: " + spec);
    rules.applyDefaults(svc);
    return svc;
  }

  @Test
  void defaultsAClusterIpService() {
    assertEquals(yaml("""
        type: ClusterIP
        sessionAffinity: None
        selector: {app: web}
        ports: [{port: 80, protocol: TCP, targetPort: 80}]
        internalTrafficPolicy: Cluster
        ipFamilyPolicy: SingleStack
        ipFamilies: [IPv4]
        """), defaulted("{selector: {app: web}, ports: [{port: 80}]}").get("spec"));
  }

  @Test
  void nodePortServicesGetAnExternalTrafficPolicy() {
    ObjectNode svc = defaulted("{type: NodePort, ports: [{port: 80, targetPort: http}]}");
    assertEquals("Cluster", svc.at("/spec/externalTrafficPolicy").asText());
    assertEquals("http", svc.at("/spec/ports/0/targetPort").asText());
  }

  @Test
  void externalNameServicesGetNoIpFamilies() {
    ObjectNode svc = defaulted("{type: ExternalName, externalName: example.com}");
    assertFalse(svc.get("spec").has("ipFamilies"));
    assertEquals(List.of(), rules.validate(svc));
  }

  @Test
  void requiresPortsUnlessHeadlessOrExternalName() {
    assertEquals(List.of("spec.ports: Required value"), described(rules.validate(defaulted("{}"))));
    assertEquals(List.of(), rules.validate(defaulted("{clusterIP: None}")));
  }

  @Test
  void checksPortNumbersNamesAndProtocols() {
    ObjectNode svc = defaulted("{ports: [{port: 0}, {name: a, port: 81, protocol: HTTP}, {name: a, port: 82}]}");
    assertEquals(List.of("spec.ports[0].name: Required value",
        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        "spec.ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        "spec.ports[2].name: Duplicate value: \"a\""), described(rules.validate(svc)));
  }

  @Test
  void aSinglePortNeedsNoName() {
    assertEquals(List.of(), rules.validate(defaulted("{ports: [{port: 443, targetPort: 8443}]}")));
  }

  @Test
  void rejectsUnknownTypes() {
    assertEquals(List.of("spec.type"), fields(rules.validate(defaulted("{type: Magic, ports: [{port: 80}]}"))));
  }

  @Test
  void clusterIpIsImmutableOnceSet() {
    ObjectNode old = defaulted("{clusterIP: 10.96.0.10, ports: [{port: 53}]}");
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.get("spec")).put("clusterIP", "10.96.0.11");
    assertEquals(List.of("spec.clusterIP: Invalid value: \"10.96.0.11\": field is immutable"),
        described(rules.validateUpdate(now, old)));
  }

  @Test
  void keepAllocatedCopiesTheClusterIpAndNodePortsIntoAnUpdate() {
    ObjectNode old = defaulted("{type: NodePort, clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10],"
        + " ports: [{port: 80, nodePort: 30080}]}");
    ObjectNode now = defaulted("{type: NodePort, ports: [{port: 80}]}");
    ServiceRules.keepAllocated(now, old);
    assertEquals("10.96.0.10", now.at("/spec/clusterIP").asText());
    assertEquals(30080, now.at("/spec/ports/0/nodePort").asInt());
    assertEquals(List.of(), rules.validateUpdate(now, old));
  }
}
