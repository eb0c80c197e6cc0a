package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.DnsConfig;
import io.tugboat.runtime.ContainerRuntime.PortMapping;
import io.tugboat.runtime.ContainerRuntime.Resources;
import io.tugboat.runtime.ContainerRuntime.SandboxConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the runtime is given for a pod's sandbox and containers. */
class ContainerConfigsTest {

  static final ObjectNode POD = PodStatusesTest.pod("""
      metadata: {name: web, namespace: shop, uid: u-1, labels: {app: web}}
      spec:
        hostname: www
        dnsConfig:
          nameservers: [1.1.1.1]
          searches: [example.org]
          options: [{name: ndots, value: "2"}, {name: edns0}]
        containers:
        - name: app
          image: nginx:1.15
          command: ["/bin/sh", "-c"]
          args: ["echo $(GREETING) $(UNSET)"]
          workingDir: /srv
          stdin: true
          stdinOnce: true
          tty: true
          ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 53, protocol: UDP}]
          resources: {limits: {cpu: 1500m, memory: 128Mi}, requests: {cpu: 100m}}
      """);

  @Test
  void containerConfigExpandsCommandAndArgsAndCarriesLimitsStdinAndTty() {
    JsonNode spec = POD.path("spec").path("containers").get(0);
    ContainerConfig c = ContainerConfigs.container(POD, spec, false, 3, Map.of("GREETING", "hi"), List.of());
    assertEquals(List.of("/bin/sh", "-c"), c.command());
    assertEquals(List.of("echo hi $(UNSET)"), c.args());
    assertEquals("/srv", c.workingDir());
    assertEquals(3, c.attempt());
    assertEquals("app/3.log", c.logPath());
    assertEquals(new Resources(1500, 102, 128L << 20, 0), c.resources());
    assertTrue(c.stdin() && c.stdinOnce() && c.tty());
    assertEquals("regular", c.labels().get(ContainerConfig.KIND_LABEL));
  }

  @Test
  void cpuRequestDefaultsToTheLimitAndNoResourcesIsNone() {
    assertEquals(new Resources(2000, 2048, 0, 0), ContainerConfigs.resources(PodStatusesTest.pod(
        "resources: {limits: {cpu: 2}}")));
    assertEquals(Resources.NONE, ContainerConfigs.resources(PodStatusesTest.pod("name: x")));
    assertEquals(2, ContainerConfigs.resources(PodStatusesTest.pod("resources: {requests: {cpu: 1m}}"))
        .cpuShares(), "at least 2 shares");
  }

  @Test
  void sandboxHasHostPortsHostnameAndMergedDns() {
    SandboxConfig s = ContainerConfigs.sandbox(POD, List.of("10.96.0.10"), "cluster.local");
    assertEquals("www", s.hostname());
    assertEquals(List.of(new PortMapping("TCP", 80, 8080, "")), s.portMappings());
    assertEquals(new DnsConfig(List.of("10.96.0.10", "1.1.1.1"),
        List.of("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.org"),
        List.of("ndots:2", "edns0")), s.dns());
  }

  @Test
  void dnsPolicyDefaultWithoutConfigIsTheHostsAndNoneIsOnlyTheConfig() {
    ObjectNode plain = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d}
        spec: {dnsPolicy: Default}
        """);
    assertNull(ContainerConfigs.dns(plain, List.of("10.96.0.10"), "cluster.local"));
    ObjectNode none = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d}
        spec: {dnsPolicy: None, dnsConfig: {nameservers: [9.9.9.9]}}
        """);
    assertEquals(new DnsConfig(List.of("9.9.9.9"), List.of(), List.of()),
        ContainerConfigs.dns(none, List.of("10.96.0.10"), "cluster.local"));
    ObjectNode hostNet = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d}
        spec: {hostNetwork: true}
        """);
    assertNull(ContainerConfigs.dns(hostNet, List.of("10.96.0.10"), "cluster.local"),
        "ClusterFirst on the host network falls back to Default");
  }

  @Test
  void pullPolicyDefaultsAsKubernetes() {
    assertEquals("Always", ContainerConfigs.pullPolicy(PodStatusesTest.pod("image: nginx")));
    assertEquals("Always", ContainerConfigs.pullPolicy(PodStatusesTest.pod("image: nginx:latest")));
    assertEquals("IfNotPresent", ContainerConfigs.pullPolicy(PodStatusesTest.pod("image: \"reg:5000/nginx:1.15\"")));
    assertEquals("Never", ContainerConfigs.pullPolicy(PodStatusesTest.pod("{image: nginx, imagePullPolicy: Never}")));
  }
}
