package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tugboat.runtime.ContainerRuntime.DnsConfig;
import io.tugboat.runtime.ContainerRuntime.Mount;
import io.tugboat.runtime.ContainerRuntime.PortMapping;
import io.tugboat.runtime.ContainerRuntime.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciSpecTest {

  @Test
  void bundleJoinsThePodsNetworkAndCarriesLimitsAndMounts() throws Exception {
    JsonNode spec = new ObjectMapper().readTree(OciSpec.json(new OciSpec.Input(List.of("sh", "-c", "echo"),
        Map.of("A", "1"), "/work", 101, 102, "pod-a", "/data/c/rootfs", "/var/run/netns/tb-x",
        List.of(new Mount("/cfg", "/host/cfg", true), new Mount("/data", "/host/data", false)),
        new Resources(250, 512, 64L << 20, 100), "/tugboat/c1")));
    assertEquals("sh", spec.at("/process/args/0").asText());
    assertEquals("A=1", spec.at("/process/env/0").asText());
    assertEquals(101, spec.at("/process/user/uid").asInt());
    assertEquals("/work", spec.at("/process/cwd").asText());
    assertEquals("pod-a", spec.at("/hostname").asText());
    assertEquals("/data/c/rootfs", spec.at("/root/path").asText());
    assertEquals(64L << 20, spec.at("/linux/resources/memory/limit").asLong());
    assertEquals(25_000, spec.at("/linux/resources/cpu/quota").asLong());
    assertEquals(100_000, spec.at("/linux/resources/cpu/period").asLong());
    assertEquals(512, spec.at("/linux/resources/cpu/shares").asLong());
    assertEquals(100, spec.at("/linux/resources/pids/limit").asLong());
    assertEquals("/tugboat/c1", spec.at("/linux/cgroupsPath").asText());
    boolean netnsByPath = false;
    for (JsonNode ns : spec.at("/linux/namespaces")) {
      netnsByPath |= ns.path("type").asText().equals("network") && ns.path("path").asText().equals("/var/run/netns/tb-x");
    }
    assertTrue(netnsByPath);
    JsonNode cfg = find(spec, "/cfg");
    assertTrue(cfg.path("options").toString().contains("\"ro\""), cfg.toString());
    assertTrue(find(spec, "/data").path("options").toString().contains("\"rw\""));
    assertEquals("proc", find(spec, "/proc").path("type").asText());
  }

  @Test
  void hostNetworkLeavesNetworkAndUtsNamespacesAndNoLimitsLeaveThemOut() throws Exception {
    JsonNode spec = new ObjectMapper().readTree(OciSpec.json(new OciSpec.Input(List.of("true"), Map.of(), "/", 0, 0,
        null, "/r", null, List.of(), Resources.NONE, null)));
    for (JsonNode ns : spec.at("/linux/namespaces")) {
      assertFalse(ns.path("type").asText().equals("network"));
      assertFalse(ns.path("type").asText().equals("uts"), "host-network pods keep the node's hostname");
    }
    assertTrue(spec.at("/hostname").isMissingNode());
    assertTrue(spec.at("/linux/resources/memory").isMissingNode());
    assertTrue(spec.at("/linux/cgroupsPath").isMissingNode());
  }

  @Test
  void resolvConfUsesThePodsDnsElseReachableHostServers() {
    String host = "nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp.example\noptions edns0\n";
    assertEquals("nameserver 10.0.0.2\nsearch corp.example\noptions edns0\n",
        PodNetwork.resolvConf(null, host, false));
    assertEquals("nameserver 10.96.0.10\nsearch ns.svc.cluster.local corp.example\noptions edns0 ndots:5\n",
        PodNetwork.resolvConf(new DnsConfig(List.of("10.96.0.10"), List.of("ns.svc.cluster.local"),
            List.of("ndots:5")), host, false));
    String loopbackOnly = PodNetwork.resolvConf(null, "nameserver 127.0.0.53\n", false);
    assertFalse(loopbackOnly.lines().anyMatch(l -> l.startsWith("nameserver")), loopbackOnly);
    assertTrue(PodNetwork.resolvConf(null, "nameserver 127.0.0.53\n", true).contains("nameserver 127.0.0.53"));
  }

  @Test
  void hostPortsBecomeDnatRulesForIncomingAndLocalTraffic() {
    PodNetwork net = new PodNetwork("br", "10.244.0.0/24", new IpPool("10.244.0.0/24"), "/sbin/iptables");
    List<List<String>> rules = net.portRules("abcdef0123456789", "10.244.0.7",
        List.of(new PortMapping("TCP", 80, 8080, ""), new PortMapping("TCP", 81, 0, null)));
    assertEquals(2, rules.size());
    assertEquals("PREROUTING", rules.get(0).get(2));
    assertEquals("OUTPUT", rules.get(1).get(2));
    String rule = String.join(" ", rules.get(0));
    assertTrue(rule.contains("-p tcp") && rule.contains("--dport 8080") && rule.contains("--to-destination 10.244.0.7:80"),
        rule);
  }

  private static JsonNode find(JsonNode spec, String destination) {
    for (JsonNode m : spec.path("mounts")) {
      if (m.path("destination").asText().equals(destination)) {
        return m;
      }
    }
    throw new AssertionError("no mount at " + destination);
  }
}
