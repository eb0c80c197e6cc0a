package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 Kubernetes client, unmodified, against a real node: informers (list, watch, resync, re-watch
 * after the server ends a stream), the CRUD verbs and every patch format on Deployments, /scale and /status,
 * namespaces, server-side apply, discovery and plain watches, all without a warning logged by the client.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a client blocked on a handshake the server never completes fails
class Fabric8ClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long RESYNC_MILLIS = 1000; // fabric8's minimum; a smaller value is raised with a warning
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final ClientLog LOG = new ClientLog();
  private static TestServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    LOG.attach();
    server = TestServer.start();
    client = client(server, new AtomicInteger());
  }

  @AfterAll
  static void stop() {
    try {
      client.close();
      server.close();
    } finally {
      LOG.detach();
    }
  }

  @BeforeEach
  void clearLog() {
    LOG.clear();
  }

  @AfterEach
  void noClientWarnings() {
    assertEquals(List.of(), LOG.problems(), "fabric8 logged warnings or errors");
  }

  /** A client as an application builds it, counting the watch requests it makes in {@code watches}. */
  private static KubernetesClient client(TestServer s, AtomicInteger watches) {
    Interceptor countWatches = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        String query = request.uri().getRawQuery();
        if (query != null && query.contains("watch=true")) {
          watches.incrementAndGet();
        }
      }
    };
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl(s.url())
            .withTrustCerts(true).withNamespace("default").build())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count-watches", countWatches))
        .build();
  }

  private static String freshNamespace(KubernetesClient c) {
    String name = "fabric8-" + NAMESPACES.incrementAndGet();
    c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    return name;
  }

  private static ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", value).build();
  }

  private static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).addToLabels("app", name).addToLabels("tier", "web").endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("web").withImage("nginx:1.14-alpine").endContainer()
        .addNewContainer().withName("sidecar").withImage("busybox:1.36").endContainer()
        .endSpec().endTemplate().endSpec()
        .build();
  }

  // ---- informers ----

  @Test
  void informerSeesExistingAndNewObjectsChangesResyncsAndDeletions() throws Exception {
    String ns = freshNamespace(client);
    var configMaps = client.configMaps().inNamespace(ns);
    for (int i = 0; i < 3; i++) {
      configMaps.resource(configMap("existing-" + i, "1")).create();
    }
    Events events = new Events();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    // A page size below the object count, so the initial list follows continue tokens.
    SharedIndexInformer<ConfigMap> informer = configMaps.withLimit(2L).runnableInformer(RESYNC_MILLIS);
    informer.exceptionHandler((started, t) -> {
      failures.add(t);
      return false;
    });
    informer.addEventHandler(events);
    try {
      informer.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(informer.hasSynced());
      for (int i = 0; i < 3; i++) {
        events.await("ADD existing-" + i, e -> e.type().equals("ADD"));
      }

      configMaps.resource(configMap("new", "1")).create();
      events.await("ADD new", e -> e.is("ADD", "new"));

      ConfigMap changed = configMaps.withName("existing-0").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2")
          .build());
      Event update = events.await("UPDATE existing-0 to k=2", e -> e.is("UPDATE", "existing-0")
          && "2".equals(e.object().getData().get("k")));
      assertEquals(changed.getMetadata().getResourceVersion(), update.object().getMetadata().getResourceVersion());
      assertEquals("1", update.old().getData().get("k"));

      events.await("a resync of existing-1 (an update with the same resourceVersion)",
          e -> e.is("UPDATE", "existing-1") && Objects.equals(e.old().getMetadata().getResourceVersion(),
              e.object().getMetadata().getResourceVersion()));

      configMaps.withName("existing-2").delete();
      Event deleted = events.await("DELETE existing-2", e -> e.is("DELETE", "existing-2"));
      assertFalse(deleted.unknownFinalState(), "the deletion was seen as an event, not inferred by a re-list");

      TestServer.awaitTrue(WAIT, "the informer's store to match the server", () ->
          names(informer.getStore().list()).equals(names(configMaps.list().getItems())));
      assertEquals(Set.of("existing-0", "existing-1", "new"), names(informer.getStore().list()));
      assertEquals(List.of(), failures);
      assertTrue(informer.isWatching());
    } finally {
      informer.stop();
    }
  }

  @Test
  void informerKeepsWorkingAfterTheServerEndsItsWatch() throws Exception {
    // A one-event buffer: a burst of changes overflows it, and the server cuts the watch as it cuts slow clients.
    AtomicInteger watches = new AtomicInteger();
    try (TestServer small = TestServer.start(Map.of("tugboat.store.watcher-buffer", 1,
        "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on"));
        KubernetesClient c = client(small, watches)) {
      String ns = freshNamespace(c);
      var configMaps = c.configMaps().inNamespace(ns);
      Events events = new Events();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      SharedIndexInformer<ConfigMap> informer = configMaps.runnableInformer(0);
      informer.exceptionHandler((started, t) -> {
        failures.add(t);
        return false;
      });
      informer.addEventHandler(events);
      try {
        informer.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        TestServer.awaitTrue(WAIT, "the informer to watch", informer::isWatching);
        int before = watches.get();
        Instant deadline = Instant.now().plus(WAIT);
        for (int round = 0; watches.get() == before; round++) {
          assertTrue(Instant.now().isBefore(deadline), "no burst made the server end the watch");
          int r = round;
          List<CompletableFuture<ConfigMap>> creates = IntStream.range(0, 40)
              .mapToObj(i -> CompletableFuture.supplyAsync(() ->
                  configMaps.resource(configMap("burst-" + r + "-" + i, "1")).create()))
              .toList();
          creates.forEach(CompletableFuture::join);
          configMaps.delete(); // a collection delete: another burst of events
          TestServer.awaitTrue(WAIT, "the informer to see the burst and its deletion", () ->
              informer.getStore().list().isEmpty() && events.count(e -> e.type().equals("DELETE")) >= 40L * (r + 1));
        }

        configMaps.resource(configMap("after-the-cut", "1")).create();
        events.await("ADD after-the-cut", e -> e.is("ADD", "after-the-cut"));
        assertEquals(Set.of("after-the-cut"), names(informer.getStore().list()));
        assertEquals(List.of(), failures);
      } finally {
        informer.stop();
      }
    }
  }

  // ---- the verbs on Deployments ----

  @Test
  void deploymentsCreateGetListEditPatchScaleUpdateStatusAndDelete() {
    String ns = freshNamespace(client);
    var deployments = client.apps().deployments().inNamespace(ns);
    Deployment created = deployments.resource(deployment("web")).create();
    assertNotNull(created.getMetadata().getUid());
    deployments.resource(deployment("other")).create();
    RollableScalableResource<Deployment> web = deployments.withName("web");

    assertEquals(created.getMetadata().getUid(), web.get().getMetadata().getUid());
    assertEquals(List.of("web"), deployments.withLabel("app", "web").list().getItems().stream()
        .map(d -> d.getMetadata().getName()).toList());
    assertEquals(2, deployments.withLabel("tier", "web").list().getItems().size());
    assertEquals(List.of("other"), deployments.withLabelNotIn("app", "web").list().getItems().stream()
        .map(d -> d.getMetadata().getName()).toList());

    Deployment edited = web.edit(d -> new DeploymentBuilder(d).editMetadata().addToAnnotations("edited", "yes")
        .endMetadata().build());
    assertEquals("yes", edited.getMetadata().getAnnotations().get("edited"));
    assertNotEquals(created.getMetadata().getResourceVersion(), edited.getMetadata().getResourceVersion());

    Deployment merged = web.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"merged\":\"yes\"}}}");
    assertEquals("yes", merged.getMetadata().getLabels().get("merged"));
    assertEquals("web", merged.getMetadata().getLabels().get("app"));

    Deployment jsonPatched = web.patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]");
    assertEquals(2, jsonPatched.getSpec().getReplicas());

    // Strategic merge: containers merge by name, so the sidecar stays.
    Deployment strategic = web.patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.25\"}]}}}}");
    var containers = strategic.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(List.of("web", "sidecar"), containers.stream().map(c -> c.getName()).toList());
    assertEquals("nginx:1.25", containers.get(0).getImage());

    Deployment scaled = web.scale(3);
    assertEquals(3, scaled.getSpec().getReplicas());
    assertEquals(3, web.scale().getSpec().getReplicas());

    Deployment withStatus = new DeploymentBuilder(web.get())
        .withStatus(new DeploymentStatusBuilder().withReplicas(3).withReadyReplicas(2).withObservedGeneration(
            web.get().getMetadata().getGeneration()).build())
        .build();
    Deployment statusUpdated = deployments.resource(withStatus).updateStatus();
    assertEquals(2, statusUpdated.getStatus().getReadyReplicas());
    assertEquals(3, statusUpdated.getSpec().getReplicas(), "a status write leaves the spec alone");
    Deployment statusEdited = web.editStatus(d -> new DeploymentBuilder(d).editStatus().withReadyReplicas(3)
        .endStatus().build());
    assertEquals(3, statusEdited.getStatus().getReadyReplicas());

    assertEquals(1, web.delete().size());
    assertNull(web.waitUntilCondition(Objects::isNull, WAIT.toSeconds(), TimeUnit.SECONDS));
    assertNull(web.get());
    assertEquals(List.of("other"), deployments.list().getItems().stream().map(d -> d.getMetadata().getName())
        .toList());
  }

  @Test
  void namespacesAreCreatedAndDeleted() {
    var namespaces = client.namespaces();
    String name = freshNamespace(client);
    client.configMaps().inNamespace(name).resource(configMap("inside", "1")).create();
    assertEquals("Active", namespaces.withName(name).get().getStatus().getPhase());
    namespaces.withName(name).delete();
    assertNull(namespaces.withName(name).waitUntilCondition(Objects::isNull, WAIT.toSeconds(), TimeUnit.SECONDS));
    assertNull(client.configMaps().inNamespace(name).withName("inside").get());
  }

  @Test
  void serverSideApplyCreatesThenUpdates() {
    String ns = freshNamespace(client);
    ConfigMap desired = new ConfigMapBuilder(configMap("applied", "1")).editMetadata().withNamespace(ns).endMetadata()
        .build();
    ConfigMap first = client.resource(desired).fieldManager("fabric8-test").forceConflicts().serverSideApply();
    assertEquals("1", first.getData().get("k"));
    ConfigMap second = client.resource(new ConfigMapBuilder(desired).addToData("k", "2").build())
        .fieldManager("fabric8-test").forceConflicts().serverSideApply();
    assertEquals("2", second.getData().get("k"));
    assertEquals(first.getMetadata().getUid(), second.getMetadata().getUid());
  }

  // ---- discovery ----

  @Test
  void versionAndDiscoveryAnswer() {
    VersionInfo version = client.getKubernetesVersion();
    assertNotNull(version.getMajor());
    assertFalse(version.getMinor().isEmpty());
    assertTrue(version.getGitVersion().startsWith("v"), version::getGitVersion);
    List<String> groups = client.getApiGroups().getGroups().stream().map(APIGroup::getName).toList();
    assertTrue(groups.containsAll(List.of("apps", "batch", "rbac.authorization.k8s.io")), groups::toString);
    assertTrue(client.supports(Deployment.class));
    assertTrue(client.supports(ConfigMap.class));
    assertTrue(client.hasApiGroup("apps", false));
    assertTrue(client.getApiResources("apps/v1").getResources().stream()
        .anyMatch(r -> r.getName().equals("deployments/scale")));
  }

  // ---- plain watches ----

  @Test
  void watchSeesAddedModifiedAndDeleted() throws Exception {
    String ns = freshNamespace(client);
    var configMaps = client.configMaps().inNamespace(ns);
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<WatcherException> closed = new CompletableFuture<>();
    Watch watch = configMaps.watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap cm) {
        seen.add(action + " " + cm.getMetadata().getName() + " " + cm.getData().get("k"));
      }

      @Override
      public void onClose(WatcherException cause) {
        closed.complete(cause);
      }

      @Override
      public void onClose() {
        closed.complete(null);
      }
    });
    try {
      configMaps.resource(configMap("watched", "1")).create();
      configMaps.withName("watched").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
      configMaps.withName("watched").delete();
      List<String> expected = List.of("ADDED watched 1", "MODIFIED watched 2", "DELETED watched 2");
      TestServer.awaitTrue(WAIT, "ADDED, MODIFIED and DELETED, got " + seen, () -> seen.size() >= 3);
      assertEquals(expected, seen);
    } finally {
      watch.close();
    }
    assertNull(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS), "the watch closed without an error");
  }

  private static Set<String> names(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  // ---- helpers ----

  /** One informer callback. */
  private record Event(String type, ConfigMap old, ConfigMap object, boolean unknownFinalState) {
    boolean is(String t, String name) {
      return type.equals(t) && object.getMetadata().getName().equals(name);
    }
  }

  /** Records informer callbacks and waits (bounded) for one matching a condition. */
  private static final class Events implements ResourceEventHandler<ConfigMap> {
    private final List<Event> events = new ArrayList<>();

    @Override
    public void onAdd(ConfigMap obj) {
      record(new Event("ADD", null, obj, false));
    }

    @Override
    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
      record(new Event("UPDATE", oldObj, newObj, false));
    }

    @Override
    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
      record(new Event("DELETE", null, obj, deletedFinalStateUnknown));
    }

    private synchronized void record(Event e) {
      events.add(e);
      notifyAll();
    }

    synchronized long count(Predicate<Event> p) {
      return events.stream().filter(p).count();
    }

    synchronized Event await(String what, Predicate<Event> p) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        for (Event e : events) {
          if (p.test(e)) {
            return e;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no informer event " + what + " within " + WAIT + "; got "
              + events.stream().map(e -> e.type() + " " + e.object().getMetadata().getName()).toList());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  /** Collects what fabric8 logs at WARN or above. */
  private static final class ClientLog extends AppenderBase<ILoggingEvent> {
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.fabric8");

    void attach() {
      setContext(logger.getLoggerContext());
      start();
      logger.addAppender(this);
    }

    void detach() {
      logger.detachAppender(this);
      stop();
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
        problems.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getMessage() + ")"));
      }
    }

    List<String> problems() {
      return List.copyOf(problems);
    }

    void clear() {
      problems.clear();
    }
  }
}
