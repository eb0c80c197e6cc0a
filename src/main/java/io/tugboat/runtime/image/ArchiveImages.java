package io.tugboat.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tugboat.runtime.ImageNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads what images an archive holds: an OCI image layout ({@code index.json}, manifests and configs in
 * {@code blobs/}) or a {@code docker save} tarball ({@code manifest.json} with RepoTags). A layout with both is
 * read as OCI (docker 25 writes both).
 */
final class ArchiveImages {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One layer: where its blob is in the archive and the digest the blob must have (null: not known). */
  record LayerRef(String path, String blobDigest) {}

  /**
   * One image of the archive: its config's bytes (whose digest is the image id), its layers bottom first, the
   * normalized names it carries and the manifest's digest (null for docker save).
   */
  record ArchiveImage(byte[] config, List<LayerRef> layers, List<String> names, String manifestDigest) {
    String id() {
      return "sha256:" + HexFormat.of().formatHex(LayerUnpacker.sha256().digest(config));
    }
  }

  private ArchiveImages() {}

  /** The images in the archive, one per config; names of the same image are merged. */
  static List<ArchiveImage> read(ArchiveSource source, Object what) throws IOException {
    List<ArchiveImage> found;
    if (source.exists("index.json")) {
      found = readOci(source, what);
    } else if (source.exists("manifest.json")) {
      found = readDockerSave(source, what);
    } else {
      throw new IllegalArgumentException(what + " is neither an OCI image layout (no index.json) nor a docker "
          + "save archive (no manifest.json)");
    }
    Map<String, ArchiveImage> byId = new LinkedHashMap<>();
    for (ArchiveImage image : found) {
      byId.merge(image.id(), image, (a, b) -> {
        List<String> names = new ArrayList<>(a.names());
        b.names().stream().filter(n -> !names.contains(n)).forEach(names::add);
        return new ArchiveImage(a.config(), a.layers(), names, a.manifestDigest());
      });
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException(what + " holds no image");
    }
    return List.copyOf(byId.values());
  }

  private static List<ArchiveImage> readOci(ArchiveSource source, Object what) throws IOException {
    JsonNode index = json(source, "index.json", what);
    List<ArchiveImage> images = new ArrayList<>();
    for (JsonNode descriptor : index.path("manifests")) {
      List<String> names = new ArrayList<>();
      JsonNode annotations = descriptor.path("annotations");
      String full = annotations.path(CONTAINERD_NAME).asText("");
      String ref = annotations.path(REF_NAME).asText("");
      if (!full.isEmpty()) {
        names.add(ImageNames.normalize(full));
      } else if (!ref.isEmpty()) {
        names.add(ImageNames.normalize(ref));
      }
      images.add(fromDescriptor(source, descriptor, names, what, 0));
    }
    return images;
  }

  /** A manifest, or the entry for this host's platform of an image index (multi-platform image). */
  private static ArchiveImage fromDescriptor(ArchiveSource source, JsonNode descriptor, List<String> names,
      Object what, int depth) throws IOException {
    String digest = digest(descriptor, what);
    String mediaType = descriptor.path("mediaType").asText("");
    JsonNode doc = JSON.readTree(verifiedBlob(source, digest, what));
    if (mediaType.isEmpty()) {
      mediaType = doc.path("mediaType").asText("");
    }
    if (mediaType.endsWith("image.index.v1+json") || mediaType.endsWith("manifest.list.v2+json")
        || (doc.has("manifests") && !doc.has("layers"))) {
      if (depth > 4) {
        throw new IllegalArgumentException(what + ": image indexes nest too deep at " + digest);
      }
      JsonNode chosen = platformEntry(doc.path("manifests"), what, digest);
      return fromDescriptor(source, chosen, names, what, depth + 1);
    }
    JsonNode config = doc.path("config");
    if (config.isMissingNode()) {
      throw new IllegalArgumentException(what + ": manifest " + digest + " has no config");
    }
    byte[] configBytes = verifiedBlob(source, digest(config, what), what);
    List<LayerRef> layers = new ArrayList<>();
    for (JsonNode layer : doc.path("layers")) {
      String layerDigest = digest(layer, what);
      layers.add(new LayerRef(blobPath(layerDigest), layerDigest));
    }
    return new ArchiveImage(configBytes, layers, names, digest);
  }

  /** The linux entry for this JVM's architecture, else the only one; an error naming those there are. */
  private static JsonNode platformEntry(JsonNode manifests, Object what, String digest) {
    String arch = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> System.getProperty("os.arch");
    };
    List<String> seen = new ArrayList<>();
    for (JsonNode m : manifests) {
      JsonNode platform = m.path("platform");
      String os = platform.path("os").asText("");
      String architecture = platform.path("architecture").asText("");
      seen.add(os + "/" + architecture);
      if (os.equals("linux") && architecture.equals(arch)) {
        return m;
      }
    }
    if (manifests.size() == 1) {
      return manifests.get(0);
    }
    throw new IllegalArgumentException(what + ": image index " + digest + " has no linux/" + arch
        + " image (it has " + seen + ")");
  }

  private static List<ArchiveImage> readDockerSave(ArchiveSource source, Object what) throws IOException {
    JsonNode manifest = json(source, "manifest.json", what);
    if (!manifest.isArray()) {
      throw new IllegalArgumentException(what + ": manifest.json is not a list of images");
    }
    List<ArchiveImage> images = new ArrayList<>();
    for (JsonNode entry : manifest) {
      String configPath = entry.path("Config").asText("");
      if (configPath.isEmpty()) {
        throw new IllegalArgumentException(what + ": an entry of manifest.json has no Config");
      }
      List<String> names = new ArrayList<>();
      for (JsonNode tag : entry.path("RepoTags")) {
        names.add(ImageNames.normalize(tag.asText()));
      }
      List<LayerRef> layers = new ArrayList<>();
      for (JsonNode layer : entry.path("Layers")) {
        layers.add(new LayerRef(ArchiveSource.clean(layer.asText(), what), null));
      }
      images.add(new ArchiveImage(source.read(configPath), layers, names, null));
    }
    return images;
  }

  static String blobPath(String digest) {
    return "blobs/sha256/" + digest.substring("sha256:".length());
  }

  private static String digest(JsonNode descriptor, Object what) {
    String digest = descriptor.path("digest").asText("");
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(what + ": descriptor digest '" + digest + "' is not sha256:<64 hex>");
    }
    return digest;
  }

  private static byte[] verifiedBlob(ArchiveSource source, String digest, Object what) throws IOException {
    byte[] bytes = source.read(blobPath(digest));
    String actual = "sha256:" + HexFormat.of().formatHex(LayerUnpacker.sha256().digest(bytes));
    if (!actual.equals(digest)) {
      throw new IllegalArgumentException(what + ": blob " + digest + " has digest " + actual + " (corrupt archive)");
    }
    return bytes;
  }

  private static JsonNode json(ArchiveSource source, String path, Object what) throws IOException {
    try {
      return JSON.readTree(source.read(path));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(what + ": " + path + " is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
