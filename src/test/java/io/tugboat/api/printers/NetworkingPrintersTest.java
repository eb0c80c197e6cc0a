package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NetworkingPrintersTest {

  @Test
  void clusterIPServiceShowsPortsAndWideSelector() {
    assertColumns("Service", "Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector");
    assertCells("Service", """
        metadata: {name: web, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          type: ClusterIP
          clusterIP: 10.96.12.34
          clusterIPs: [10.96.12.34]
          selector: {app: web, tier: front}
          ports:
          - {name: http, port: 80, targetPort: 8080, protocol: TCP}
          - {name: dns, port: 53, protocol: UDP}
        """, "web", "ClusterIP", "10.96.12.34", "<none>", "80/TCP,53/UDP", "60m", "app=web,tier=front");
  }

  @Test
  void nodePortServiceShowsNodePortsAndExternalIPs() {
    assertCells("Service", """
        metadata: {name: web, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          type: NodePort
          clusterIPs: [10.96.0.20]
          externalIPs: [192.0.2.10, 192.0.2.11]
          ports:
          - {port: 80, nodePort: 30080, protocol: TCP}
        """, "web", "NodePort", "10.96.0.20", "192.0.2.10,192.0.2.11", "80:30080/TCP", "60m", "<none>");
  }

  @Test
  void loadBalancerServiceShowsIngressPendingOrBothWithExternalIPs() {
    String lb = """
        metadata: {name: edge, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          type: LoadBalancer
          clusterIPs: [10.96.0.30]
          %s
          ports:
          - {port: 443, nodePort: 31443, protocol: TCP}
        status:
          loadBalancer:
            %s
        """;
    assertEquals("<pending>", Rows.cells("Service", lb.formatted("", "{}")).get(3));
    assertEquals("203.0.113.7,lb.example.com", Rows.cells("Service", lb.formatted("",
        "ingress: [{ip: 203.0.113.7}, {hostname: lb.example.com}, {ip: 203.0.113.7}]")).get(3));
    assertEquals("203.0.113.7,192.0.2.10", Rows.cells("Service", lb.formatted("externalIPs: [192.0.2.10]",
        "ingress: [{ip: 203.0.113.7}]")).get(3));
    assertEquals("443:31443/TCP", Rows.cells("Service", lb.formatted("", "{}")).get(4));
  }

  @Test
  void headlessAndExternalNameServices() {
    assertCells("Service", """
        metadata: {name: db, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec: {type: ClusterIP, clusterIP: None, clusterIPs: [None], selector: {app: db}}
        """, "db", "ClusterIP", "None", "<none>", "<none>", "60m", "app=db");
    assertCells("Service", """
        metadata: {name: ext, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec: {type: ExternalName, externalName: db.example.com}
        """, "ext", "ExternalName", "<none>", "db.example.com", "<none>", "60m", "<none>");
  }

  @Test
  void endpointsListThreeAddressesThenHowManyMore() {
    assertColumns("Endpoints", "Name", "Endpoints", "Age");
    assertCells("Endpoints", """
        metadata: {name: web, creationTimestamp: "2026-11-22T11:00:00Z"}
        subsets:
        - addresses: [{ip: 10.244.0.5}, {ip: 10.244.1.7}]
          ports: [{name: http, port: 8080, protocol: TCP}, {name: metrics, port: 9090, protocol: TCP}]
        - addresses: [{ip: "fd00::3"}]
          ports: [{port: 8080}]
        """, "web", "10.244.0.5:8080,10.244.1.7:8080,10.244.0.5:9090 + 2 more...", "60m");
    assertEquals("10.244.0.5:8080,[fd00::3]:8080", Rows.cells("Endpoints", """
        metadata: {name: web}
        subsets:
        - addresses: [{ip: 10.244.0.5}, {ip: "fd00::3"}]
          ports: [{port: 8080}]
        """).get(1));
    assertEquals("10.244.0.9", Rows.cells("Endpoints", """
        metadata: {name: headless}
        subsets: [{addresses: [{ip: 10.244.0.9}]}]
        """).get(1));
    assertEquals("<none>", Rows.cells("Endpoints", "metadata: {name: empty}").get(1));
  }

  @Test
  void ingressShowsClassHostsAddressAndPorts() {
    assertColumns("Ingress", "Name", "Class", "Hosts", "Address", "Ports", "Age");
    assertCells("Ingress", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          ingressClassName: nginx
          tls: [{hosts: [a.example.com], secretName: a-tls}]
          rules:
          - host: a.example.com
          - host: b.example.com
          - http: {paths: []}
          - host: c.example.com
          - host: d.example.com
        status:
          loadBalancer:
            ingress: [{ip: 203.0.113.9}]
        """, "web", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "203.0.113.9", "80, 443",
        "60m");
    assertCells("Ingress", """
        metadata: {name: catchall, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          defaultBackend: {service: {name: web, port: {number: 80}}}
        """, "catchall", "<none>", "*", "", "80", "60m");
  }

  @Test
  void networkPolicyShowsPodSelector() {
    assertColumns("NetworkPolicy", "Name", "Pod-Selector", "Age");
    assertCells("NetworkPolicy", """
        metadata: {name: db-access, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          podSelector: {matchLabels: {app: db}}
          policyTypes: [Ingress]
        """, "db-access", "app=db", "60m");
    assertEquals("<none>", Rows.cells("NetworkPolicy", "metadata: {name: deny-all}\nspec: {podSelector: {}}").get(1));
  }
}
