package io.tugboat.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cluster has from the start: the initial namespaces, and the `kubernetes` Service in `default`
 * that names the API server. Creating what exists already is harmless (every control-plane node runs this).
 */
public final class Bootstrap {
  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {}

  /** Creates what is missing; completes when done (failures are logged, not fatal). */
  public static CompletableFuture<Void> run(ObjectStore store, Config config) {
    ResourceType nsType = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
    List<CompletableFuture<?>> creates = new ArrayList<>();
    for (String name : config.getStringList("tugboat.namespaces.initial")) {
      if (store.get(ObjectKey.of(nsType, "", name)).isEmpty()) {
        ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        Json.meta(ns).put("name", name);
        creates.add(quietly(store.create(nsType, ns, RequestInfo.system("bootstrap", "create")).toCompletableFuture(),
            "namespace " + name));
      }
    }
    return CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new))
        .thenCompose(done -> apiService(store, config.getInt("tugboat.api.port")))
        .thenCompose(done -> io.tugboat.controllers.volumes.Volumes.defaultStorageClass(store, config));
  }

  private static CompletableFuture<Void> apiService(ObjectStore store, int apiPort) {
    ResourceType svcType = ResourceRegistry.byPath("", "v1", "services").orElseThrow();
    if (store.get(ObjectKey.of(svcType, "default", "kubernetes")).isPresent()) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
    ObjectNode meta = Json.meta(svc);
    meta.put("name", "kubernetes");
    meta.put("namespace", "default");
    meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP");
    spec.put("clusterIP", store.apiServiceIp());
    spec.putArray("clusterIPs").add(store.apiServiceIp());
    spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
        .put("targetPort", apiPort);
    return quietly(store.create(svcType, svc, RequestInfo.system("bootstrap", "create")).toCompletableFuture(),
        "service default/kubernetes").thenApply(x -> null);
  }

  private static <T> CompletableFuture<Object> quietly(CompletableFuture<T> f, String what) {
    return f.handle((ok, e) -> {
      if (e != null) {
        log.debug("{} not created: {}", what, e.getMessage());
      }
      return null;
    });
  }
}
