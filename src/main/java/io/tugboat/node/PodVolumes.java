package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import io.tugboat.runtime.ContainerRuntime.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's pod volumes, prepared by the agent under {@code <podsDir>/<uid>/volumes/<plugin>/<name>} as the
 * kubelet lays them out: emptyDir (medium Memory: a tmpfs when the agent is root, its sizeLimit as the tmpfs
 * size; else a plain directory), hostPath (with its type check, inside the allowed host paths),
 * configMap/secret/downwardAPI/projected (through the {@link AtomicWriter}, so an update of the ConfigMap
 * reaches running containers), persistentVolumeClaim (the bound PersistentVolume's hostPath). A volume that
 * cannot be prepared fails the pod's setup with a {@link ConfigError} (reason FailedMount) naming it.
 */
public final class PodVolumes {
  private static final Logger LOG = LoggerFactory.getLogger(PodVolumes.class);

  private final Path podsDir;
  private final List<Path> allowedHostPaths;
  private final PodSources sources;
  private final AtomicWriter writer;
  private final boolean root;

  /** Volumes under {@code podsDir}; hostPath volumes only inside {@code allowedHostPaths}. */
  public PodVolumes(Path podsDir, List<String> allowedHostPaths, PodSources sources, Clock clock, boolean root) {
    this.podsDir = podsDir;
    this.allowedHostPaths = allowedHostPaths.stream().map(p -> Path.of(p).normalize()).toList();
    this.sources = sources;
    this.writer = new AtomicWriter(clock);
    this.root = root;
  }

  /** Whether this JVM runs as root (tmpfs mounts are possible). */
  public static boolean runningAsRoot() {
    try {
      return "root".equals(System.getProperty("user.name"))
          && Files.getOwner(Path.of("/proc/self")).getName().equals("root");
    } catch (IOException e) {
      return false;
    }
  }

  /** The directory of a pod's volume. */
  public Path volumeDir(String uid, String plugin, String name) {
    return podsDir.resolve(uid).resolve("volumes").resolve(plugin).resolve(name);
  }

  /** Whether a pod reads ConfigMaps or Secrets (in env, envFrom or volumes): then it follows their changes. */
  public static boolean usesSources(JsonNode pod) {
    String text = pod.path("spec").toString();
    return text.contains("configMapKeyRef") || text.contains("secretKeyRef") || text.contains("\"envFrom\"")
        || text.contains("\"configMap\"") || text.contains("\"secret\"");
  }

  /** Prepares (or refreshes) every volume of the pod; answers volume name → host path. */
  public Map<String, Path> setUp(JsonNode pod, EnvResolver.PodContext ctx) throws ConfigError {
    String uid = Json.metaText(pod, "uid");
    Map<String, Path> out = new LinkedHashMap<>();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String name = Json.text(v.path("name"));
      try {
        out.put(name, setUpOne(pod, uid, name, v, ctx));
      } catch (ConfigError e) {
        throw new ConfigError("FailedMount", "MountVolume.SetUp failed for volume \"" + name + "\" : "
            + e.getMessage());
      } catch (IOException e) {
        throw new ConfigError("FailedMount", "MountVolume.SetUp failed for volume \"" + name + "\" : " + e);
      }
    }
    return out;
  }

  private Path setUpOne(JsonNode pod, String uid, String name, JsonNode v, EnvResolver.PodContext ctx)
      throws ConfigError, IOException {
    if (v.has("hostPath")) {
      return hostPath(v.path("hostPath"));
    }
    if (v.has("persistentVolumeClaim")) {
      return claim(Json.metaText(pod, "namespace"), Json.text(v.path("persistentVolumeClaim").path("claimName")));
    }
    String plugin = VolumePayloads.plugin(v);
    if (plugin == null) {
      throw new ConfigError("FailedMount", "volume type not supported on this node: " + v.fieldNames().next());
    }
    Path dir = volumeDir(uid, plugin, name);
    if (v.has("emptyDir")) {
      emptyDir(dir, v.path("emptyDir"));
      return dir;
    }
    writer.write(dir, VolumePayloads.payload(pod, v, sources, ctx));
    return dir;
  }

  private void emptyDir(Path dir, JsonNode spec) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    AtomicWriter.permissions(dir, 0777); // emptyDir is world-writable, as the kubelet makes it
    if (root && "Memory".equals(Json.text(spec.path("medium")))) {
      List<String> cmd = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
      String size = Json.text(spec.path("sizeLimit"));
      if (!size.isEmpty()) {
        cmd.addAll(List.of("-o", "size=" + Quantity.parse(size).longValue()));
      }
      cmd.addAll(List.of("tmpfs", dir.toString()));
      if (!run(cmd)) {
        LOG.warn("emptyDir {}: tmpfs not mounted; a plain directory instead", dir);
      }
    }
  }

  private Path hostPath(JsonNode spec) throws ConfigError, IOException {
    String text = Json.text(spec.path("path"));
    Path path = Path.of(text).normalize();
    if (!path.isAbsolute() || text.contains("..")) {
      throw new ConfigError("FailedMount", "hostPath " + text + " must be an absolute path without '..'");
    }
    if (allowedHostPaths.stream().noneMatch(path::startsWith)) {
      throw new ConfigError("FailedMount", "hostPath " + text + " is outside the allowed host paths "
          + allowedHostPaths);
    }
    String type = Json.text(spec.path("type"));
    switch (type) {
      case "DirectoryOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path);
          AtomicWriter.permissions(path, 0755);
        }
        check(Files.isDirectory(path), path, "a directory");
      }
      case "Directory" -> check(Files.isDirectory(path), path, "a directory");
      case "FileOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path.getParent());
          Files.createFile(path);
          AtomicWriter.permissions(path, 0644);
        }
        check(Files.isRegularFile(path), path, "a file");
      }
      case "File" -> check(Files.isRegularFile(path), path, "a file");
      case "Socket", "CharDevice", "BlockDevice" -> check(Files.exists(path) && isType(path, type), path,
          type.equals("Socket") ? "a socket" : type.equals("CharDevice") ? "a character device" : "a block device");
      default -> { }
    }
    return path;
  }

  private static boolean isType(Path path, String type) throws IOException {
    PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return attrs.isOther() && !attrs.isDirectory() && (type.equals("Socket") ? !attrs.isRegularFile() : true);
  }

  private static void check(boolean ok, Path path, String what) throws ConfigError {
    if (!ok) {
      throw new ConfigError("FailedMount", "hostPath type check failed: " + path + " is not " + what);
    }
  }

  private Path claim(String namespace, String name) throws ConfigError, IOException {
    JsonNode pvc = sources.claim(namespace, name).orElseThrow(() ->
        new ConfigError("FailedMount", "persistentvolumeclaim \"" + name + "\" not found"));
    String volume = Json.text(pvc.path("spec").path("volumeName"));
    if (volume.isEmpty() || !"Bound".equals(Json.text(pvc.path("status").path("phase")))) {
      throw new ConfigError("FailedMount", "persistentvolumeclaim \"" + name + "\" is not bound");
    }
    JsonNode pv = sources.persistentVolume(volume).orElseThrow(() ->
        new ConfigError("FailedMount", "persistentvolume \"" + volume + "\" not found"));
    if (!pv.path("spec").path("hostPath").isObject()) {
      throw new ConfigError("FailedMount", "persistentvolume \"" + volume
          + "\" is not a hostPath volume; only hostPath volumes can be mounted on this node");
    }
    return hostPath(pv.path("spec").path("hostPath"));
  }

  /**
   * The mounts of a container from its volumeMounts: subPath inside the volume (created when missing; no
   * absolute paths or ".."), read-only when asked and always for configMap, secret, downwardAPI and projected.
   */
  public static List<Mount> mounts(JsonNode container, Map<String, Path> volumes) throws ConfigError {
    List<Mount> out = new ArrayList<>();
    if (volumes == null) {
      return out; // volumes are not prepared (hollow nodes): nothing to mount, as the fake runtime needs none
    }
    for (JsonNode m : container.path("volumeMounts")) {
      String name = Json.text(m.path("name"));
      Path base = volumes == null ? null : volumes.get(name);
      if (base == null) {
        throw new ConfigError("volumeMount \"" + name + "\" names no volume of the pod");
      }
      String sub = Json.text(m.path("subPath"));
      Path host = base;
      if (!sub.isEmpty()) {
        if (sub.startsWith("/") || List.of(sub.split("/")).contains("..")) {
          throw new ConfigError("subPath \"" + sub + "\" must be a relative path without '..'");
        }
        host = base.resolve(sub);
        if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Files.createDirectories(host);
          } catch (IOException e) {
            throw new ConfigError("failed to create subPath directory for volumeMount \"" + name + "\": " + e);
          }
        }
      }
      out.add(new Mount(Json.text(m.path("mountPath")), host.toString(), m.path("readOnly").asBoolean(false)
          || base.toString().contains("kubernetes.io~configmap") || base.toString().contains("kubernetes.io~secret")
          || base.toString().contains("kubernetes.io~downward-api")
          || base.toString().contains("kubernetes.io~projected")));
    }
    return out;
  }

  /** Removes a pod's volumes (tmpfs unmounted first); hostPath and PV paths are the host's and stay. */
  public void tearDown(String uid) {
    Path dir = podsDir.resolve(uid);
    if (!Files.exists(dir)) {
      return;
    }
    Path emptyDirs = dir.resolve("volumes").resolve("kubernetes.io~empty-dir");
    if (root && Files.isDirectory(emptyDirs)) {
      try (var list = Files.list(emptyDirs)) {
        for (Path p : list.toList()) {
          if (isMountPoint(p)) {
            run(List.of("umount", p.toString()));
          }
        }
      } catch (IOException e) {
        LOG.warn("volumes of pod {}: {}", uid, e.toString());
      }
    }
    try {
      AtomicWriter.deleteTree(dir);
    } catch (IOException e) {
      LOG.warn("volumes of pod {} not removed: {}", uid, e.toString());
    }
  }

  private static boolean isMountPoint(Path p) {
    try {
      return Files.readString(Path.of("/proc/self/mounts")).contains(" " + p.toAbsolutePath() + " ");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
