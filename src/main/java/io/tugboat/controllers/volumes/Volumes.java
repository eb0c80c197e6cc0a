package io.tugboat.controllers.volumes;

import akka.actor.typed.ActorSystem;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tugboat.model.Json;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** Start-up of persistent volumes ({@code tugboat.volumes}): the binder singleton and the default StorageClass. */
public final class Volumes {

  private Volumes() {}

  /** Where provisioned hostPath volumes live. */
  public static Path dir(Config config) {
    String dir = config.getString("tugboat.volumes.dir");
    return (dir.isEmpty() ? Path.of(config.getString("tugboat.data-dir"), "volumes") : Path.of(dir))
        .toAbsolutePath().normalize();
  }

  /** Starts the binder as a cluster singleton when enabled. */
  public static void init(ActorSystem<?> system, ObjectStore store) {
    Config config = system.settings().config();
    if (config.getBoolean("tugboat.volumes.enabled")) {
      ClusterSingleton.get(system).init(SingletonActor.of(VolumeBinder.create(store, dir(config), Clock.systemUTC()),
          "volume-binder"));
    }
  }

  /** Creates the default StorageClass when configured and missing; failures are only logged. */
  public static CompletableFuture<Void> defaultStorageClass(ObjectStore store, Config config) {
    String name = config.getString("tugboat.volumes.default-class");
    if (name.isEmpty() || !config.getBoolean("tugboat.volumes.enabled")
        || store.get(ObjectKey.of(VolumeBinding.CLASSES, "", name)).isPresent()) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode sc = Json.object().put("apiVersion", "storage.k8s.io/v1").put("kind", "StorageClass");
    Json.meta(sc).put("name", name).putObject("annotations").put(VolumeBinding.DEFAULT_CLASS, "true");
    sc.put("provisioner", VolumeBinding.PROVISIONER);
    sc.put("reclaimPolicy", "Delete");
    sc.put("volumeBindingMode", "Immediate");
    return store.create(VolumeBinding.CLASSES, sc, RequestInfo.system("bootstrap", "create")).toCompletableFuture()
        .handle((ok, e) -> {
          if (e != null) {
            org.slf4j.LoggerFactory.getLogger(Volumes.class).debug("storageclass {} not created: {}", name,
                e.getMessage());
          }
          return null;
        });
  }
}
