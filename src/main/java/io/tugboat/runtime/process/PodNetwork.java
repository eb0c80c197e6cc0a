package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.DnsConfig;
import io.tugboat.runtime.ContainerRuntime.PortMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod networking with iproute2 and iptables: one bridge per runtime holding the pod range's gateway, a network
 * namespace per pod joined to it by a veth pair (eth0 inside, the pod's IP, default route via the bridge),
 * masquerading for traffic leaving the range, and DNAT rules for host ports. Remembers what it created so
 * {@link #close} removes exactly that.
 */
final class PodNetwork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodNetwork.class);

  private final String bridge;
  private final String cidr;
  private final IpPool pool;
  private final String iptables;
  private boolean createdBridge;
  private final List<List<String>> hostRules = new ArrayList<>();

  PodNetwork(String bridge, String cidr, IpPool pool, String iptables) {
    this.bridge = bridge;
    this.cidr = cidr;
    this.pool = pool;
    this.iptables = iptables;
  }

  /** The netns name of a sandbox (what `ip netns` lists). */
  static String netnsName(String sandboxId) {
    return "tb-" + sandboxId.substring(0, 12);
  }

  /** The host end of a sandbox's veth pair (at most 15 characters). */
  static String hostVeth(String sandboxId) {
    return "tbv" + sandboxId.substring(0, 11);
  }

  /** The file runc joins for a sandbox's network namespace. */
  static String netnsPath(String sandboxId) {
    return "/var/run/netns/" + netnsName(sandboxId);
  }

  /** Creates the bridge (unless it exists), turns on forwarding, and adds the range's masquerade rule. */
  void setUp() {
    if (!Shell.quiet("ip", "link", "show", "dev", bridge)) {
      Shell.checkInput("link add name " + bridge + " type bridge\n"
          + "addr add " + pool.gateway() + "/" + pool.prefix() + " dev " + bridge + "\n"
          + "link set " + bridge + " up\n", "ip", "-batch", "-");
      createdBridge = true;
      log.info("created bridge {} with gateway {}/{}", bridge, pool.gateway(), pool.prefix());
    }
    try {
      Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
    } catch (IOException e) {
      log.warn("cannot turn on net.ipv4.ip_forward; pods cannot reach beyond this host: {}", e.getMessage());
    }
    if (iptables != null) {
      String comment = "tugboat:" + bridge;
      addHostRule(List.of("-t", "nat", "POSTROUTING", "-s", cidr, "!", "-o", bridge, "-j", "MASQUERADE",
          "-m", "comment", "--comment", comment));
      addHostRule(List.of("-t", "filter", "FORWARD", "-i", bridge, "-j", "ACCEPT", "-m", "comment", "--comment",
          comment));
      addHostRule(List.of("-t", "filter", "FORWARD", "-o", bridge, "-j", "ACCEPT", "-m", "comment", "--comment",
          comment));
    }
  }

  /** Creates a sandbox's namespace and veth pair with {@code ip}; on failure removes what it made, then throws. */
  void addSandbox(String sandboxId, String ip) {
    String ns = netnsName(sandboxId);
    String veth = hostVeth(sandboxId);
    String peer = "tbp" + sandboxId.substring(0, 11);
    try {
      Shell.check("ip", "netns", "add", ns);
      Shell.checkInput("link add " + veth + " type veth peer name " + peer + " netns " + ns + "\n"
          + "link set " + veth + " master " + bridge + "\n"
          + "link set " + veth + " type bridge_slave hairpin on\n"
          + "link set " + veth + " up\n", "ip", "-batch", "-");
      Shell.checkInput("link set " + peer + " name eth0\n"
          + "addr add " + ip + "/" + pool.prefix() + " dev eth0\n"
          + "link set eth0 up\n"
          + "link set lo up\n"
          + "route add default via " + pool.gateway() + "\n", "ip", "-n", ns, "-batch", "-");
    } catch (RuntimeException e) {
      removeSandbox(sandboxId);
      throw e;
    }
  }

  /** Whether a sandbox's namespace still exists (a sandbox of an earlier run). */
  static boolean exists(String sandboxId) {
    return Files.exists(Path.of(netnsPath(sandboxId)));
  }

  /** Removes a sandbox's namespace and veth pair (deleting the namespace takes eth0 and so the pair). */
  static void removeSandbox(String sandboxId) {
    Shell.quiet("ip", "netns", "del", netnsName(sandboxId));
    if (Shell.quiet("ip", "link", "show", "dev", hostVeth(sandboxId))) {
      Shell.quiet("ip", "link", "del", hostVeth(sandboxId));
    }
  }

  /** The DNAT rules of a sandbox's host ports: nat PREROUTING and OUTPUT, one pair per mapping. */
  List<List<String>> portRules(String sandboxId, String podIp, List<PortMapping> mappings) {
    List<List<String>> rules = new ArrayList<>();
    for (PortMapping m : mappings) {
      if (m.hostPort() <= 0) {
        continue;
      }
      String proto = m.protocol() == null || m.protocol().isEmpty() ? "tcp" : m.protocol().toLowerCase();
      for (String chain : List.of("PREROUTING", "OUTPUT")) {
        List<String> rule = new ArrayList<>(List.of("-t", "nat", chain, "-p", proto));
        if (m.hostIp() != null && !m.hostIp().isEmpty() && !m.hostIp().equals("0.0.0.0")) {
          rule.addAll(List.of("-d", m.hostIp()));
        } else {
          rule.addAll(List.of("-m", "addrtype", "--dst-type", "LOCAL"));
        }
        rule.addAll(List.of("--dport", Integer.toString(m.hostPort()), "-j", "DNAT", "--to-destination",
            podIp + ":" + m.containerPort(), "-m", "comment", "--comment", "tugboat:" + sandboxId.substring(0, 12)));
        rules.add(rule);
      }
    }
    return rules;
  }

  /** Adds rules (those of {@link #portRules}); a no-op without iptables. */
  void addRules(List<List<String>> rules) {
    if (iptables == null) {
      return;
    }
    for (List<String> rule : rules) {
      Shell.check(command("-A", rule));
    }
  }

  /** Deletes rules; missing ones are skipped. */
  void deleteRules(List<List<String>> rules) {
    if (iptables == null) {
      return;
    }
    for (List<String> rule : rules) {
      Shell.quiet(command("-D", rule));
    }
  }

  /**
   * The resolv.conf of a pod: its DNS config when it has one; else the host's nameservers that a pod can reach
   * (not loopback ones, which live in the host's network namespace only) with the host's search and options.
   * When only loopback servers are configured the file has no nameserver, so look-ups fail at once instead of
   * hanging until a timeout.
   */
  static String resolvConf(DnsConfig dns, String hostResolvConf, boolean hostNetwork) {
    List<String> servers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    List<String> options = new ArrayList<>();
    if (dns != null && dns.servers() != null && !dns.servers().isEmpty()) {
      servers.addAll(dns.servers());
    }
    for (String line : hostResolvConf.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || f[0].startsWith("#")) {
        continue;
      }
      switch (f[0]) {
        case "nameserver" -> {
          if (dns == null || dns.servers() == null || dns.servers().isEmpty()) {
            if (hostNetwork || !(f[1].startsWith("127.") || f[1].equals("::1"))) {
              servers.add(f[1]);
            }
          }
        }
        case "search" -> searches.addAll(List.of(f).subList(1, f.length));
        case "options" -> options.addAll(List.of(f).subList(1, f.length));
        default -> { }
      }
    }
    if (dns != null && dns.searches() != null) {
      searches.addAll(0, dns.searches());
    }
    if (dns != null && dns.options() != null) {
      options.addAll(dns.options());
    }
    StringBuilder out = new StringBuilder();
    if (servers.isEmpty()) {
      out.append("# no nameserver reachable from the pod's network namespace (the host's are loopback only)\n");
    }
    servers.stream().distinct().limit(3).forEach(s -> out.append("nameserver ").append(s).append('\n'));
    if (!searches.isEmpty()) {
      out.append("search ").append(String.join(" ", searches.stream().distinct().limit(6).toList())).append('\n');
    }
    if (!options.isEmpty()) {
      out.append("options ").append(String.join(" ", options.stream().distinct().toList())).append('\n');
    }
    return out.toString();
  }

  /** Removes the rules it added and the bridge if it created it. */
  @Override
  public void close() {
    deleteRules(hostRules);
    hostRules.clear();
    if (createdBridge) {
      Shell.quiet("ip", "link", "del", bridge);
      createdBridge = false;
    }
  }

  private void addHostRule(List<String> rule) {
    if (!Shell.quiet(command("-C", rule))) {
      Shell.check(command("-A", rule));
      hostRules.add(rule);
    }
  }

  private String[] command(String op, List<String> rule) {
    // rule: -t TABLE CHAIN spec...
    List<String> argv = new ArrayList<>(List.of(iptables, "-w", rule.get(0), rule.get(1), op, rule.get(2)));
    argv.addAll(rule.subList(3, rule.size()));
    return argv.toArray(String[]::new);
  }
}
