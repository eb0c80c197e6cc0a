package io.tugboat.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.runtime.ImageNames;
import io.tugboat.runtime.image.ArchiveImages.ArchiveImage;
import io.tugboat.runtime.image.ArchiveImages.LayerRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's images in a directory ({@code <data-dir>/images}), shared by the node agent and the
 * {@code tugboat image} CLI, which may run at the same time:
 *
 * <pre>
 *   index.json              {"names": {"docker.io/library/busybox:latest": "sha256:..."}}, replaced atomically
 *   lock                    writers (load, remove) hold an exclusive file lock on it
 *   images/HEX/config.json  the image's config blob as loaded (its SHA-256 is HEX, the image id)
 *   images/HEX/info.json    layer diff ids, manifest digest, unpacked size
 *   images/HEX/rootfs/      the layers applied in order; never written once the directory is in place
 *   tmp/                    images being unpacked, then renamed into images/ whole
 * </pre>
 *
 * Readers take no lock: they read index.json on every call, so an image loaded by another process is seen at
 * once, and an image directory appears only complete. An image whose layers start with another image's layers
 * starts from a hard-linked copy of that image's rootfs, so shared layers are not unpacked again (applying a
 * layer replaces files, it never writes into an existing one). A name that moves to another image leaves the old
 * one untagged (listed as &lt;none&gt;, removable by id) as docker does, since containers may still use it.
 */
public final class LocalImageStore implements ImageStore {
  private static final Logger log = LoggerFactory.getLogger(LocalImageStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX_ID = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");
  private static final Pattern FULL_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}");
  /** File locks are per process; threads of one JVM (the tests run several stores) queue here first. */
  private static final ReentrantLock JVM_LOCK = new ReentrantLock();

  private final Path root;
  private final Map<String, Image> byId = new ConcurrentHashMap<>();

  /**
   * A store rooted at {@code root} (created when missing). Its paths are real ones (no symbolic links), as runc
   * wants for a bundle's root.path.
   */
  public LocalImageStore(Path root) {
    try {
      Files.createDirectories(root.resolve("images"));
      Files.createDirectories(root.resolve("tmp"));
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the image store at " + root, e);
    }
  }

  /** The store of a data directory: {@code <dataDir>/images}. */
  public static LocalImageStore inDataDir(Path dataDir) {
    return new LocalImageStore(dataDir.resolve("images"));
  }

  /** The directory the store lives in. */
  public Path root() {
    return root;
  }

  @Override
  public Optional<Image> resolve(String reference) {
    String ref = reference.trim();
    Map<String, String> names = readIndex();
    if (FULL_ID.matcher(ref).matches()) {
      String id = ref.startsWith("sha256:") ? ref : "sha256:" + ref;
      return image(id, names);
    }
    String name = ImageNames.normalize(ref);
    String id = names.get(name);
    if (id != null) {
      return image(id, names);
    }
    int at = name.indexOf('@');
    if (at > 0) { // repo@digest: the image id, or the manifest digest it was loaded with
      String repo = name.substring(0, at);
      String digest = name.substring(at + 1);
      for (Image image : list(names)) {
        boolean inRepo = image.names().stream().anyMatch(n -> repoOf(n).equals(repo));
        if (inRepo && (image.id().equals(digest) || digest.equals(manifestDigest(image.id())))) {
          return Optional.of(image);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public List<Image> list() {
    return list(readIndex());
  }

  private List<Image> list(Map<String, String> names) {
    List<Image> images = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("images"))) {
      for (Path dir : dirs) {
        image("sha256:" + dir.getFileName(), names).ifPresent(images::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root.resolve("images"), e);
    }
    images.sort(Comparator.comparing((Image i) -> i.names().isEmpty() ? "~" : i.names().get(0))
        .thenComparing(Image::id));
    return images;
  }

  @Override
  public List<Image> load(Path archive) {
    return locked(() -> {
      cleanScratch();
      List<ArchiveImage> found;
      List<String> ids = new ArrayList<>();
      try (ArchiveSource source = ArchiveSource.open(archive, root.resolve("tmp"))) {
        found = ArchiveImages.read(source, archive);
        for (ArchiveImage image : found) {
          ids.add(image.id());
          if (!Files.isDirectory(dir(image.id()))) {
            unpack(source, image, archive);
          }
        }
      }
      Map<String, String> names = new TreeMap<>(readIndex());
      for (int i = 0; i < found.size(); i++) {
        for (String name : found.get(i).names()) {
          names.put(name, ids.get(i));
        }
      }
      writeIndex(names);
      List<Image> loaded = new ArrayList<>();
      for (String id : ids) {
        image(id, names).ifPresent(loaded::add);
      }
      return loaded;
    });
  }

  @Override
  public boolean remove(String reference) {
    return locked(() -> {
      Map<String, String> names = new TreeMap<>(readIndex());
      String ref = reference.trim();
      String name = ImageNames.normalize(ref);
      String id = names.remove(name);
      if (id == null) {
        id = idByPrefix(ref);
        if (id == null) {
          return false;
        }
        String gone = id;
        names.values().removeIf(gone::equals);
      }
      writeIndex(names);
      if (!names.containsValue(id)) {
        deleteImage(id);
      }
      return true;
    });
  }

  /** The id a full id or an unambiguous prefix of one names; null when none. */
  private String idByPrefix(String ref) throws IOException {
    if (!HEX_ID.matcher(ref).matches()) {
      return null;
    }
    String hex = ref.startsWith("sha256:") ? ref.substring(7) : ref;
    List<String> matches = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("images"))) {
      for (Path dir : dirs) {
        if (dir.getFileName().toString().startsWith(hex)) {
          matches.add("sha256:" + dir.getFileName());
        }
      }
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException("'" + ref + "' is the start of " + matches.size()
          + " image ids; give more of the id");
    }
    return matches.isEmpty() ? null : matches.get(0);
  }

  // --- unpacking -----------------------------------------------------------------------------------------

  private void unpack(ArchiveSource source, ArchiveImage image, Path archive) throws IOException {
    String id = image.id();
    ImageConfig config = ImageConfig.parse(image.config(), archive);
    if (config.diffIds().size() != image.layers().size()) {
      throw new IllegalArgumentException(archive + ": image " + id + " lists " + image.layers().size()
          + " layers but its config has " + config.diffIds().size() + " diff ids");
    }
    Path work = root.resolve("tmp").resolve(hex(id) + "-" + UUID.randomUUID());
    Path rootfs = work.resolve("rootfs");
    Files.createDirectories(work);
    try {
      int shared = startFromSharedLayers(config.diffIds(), rootfs);
      if (shared == 0) {
        Files.createDirectory(rootfs);
        Files.setAttribute(rootfs, "unix:mode", 0755);
      }
      LayerUnpacker unpacker = new LayerUnpacker(rootfs);
      int skipped = 0;
      for (int i = shared; i < image.layers().size(); i++) {
        LayerRef layer = image.layers().get(i);
        String what = archive + " layer " + layer.path();
        MessageDigest blobSha = LayerUnpacker.sha256();
        LayerUnpacker.Result result;
        try (InputStream in = new DigestInputStream(source.open(layer.path()), blobSha)) {
          result = unpacker.apply(in, what);
        }
        String blobDigest = "sha256:" + HexFormat.of().formatHex(blobSha.digest());
        if (layer.blobDigest() != null && !layer.blobDigest().equals(blobDigest)) {
          throw new IllegalArgumentException(what + " has digest " + blobDigest + ", the manifest says "
              + layer.blobDigest() + " (corrupt archive)");
        }
        if (!result.diffId().equals(config.diffIds().get(i))) {
          throw new IllegalArgumentException(what + " unpacks to " + result.diffId() + ", the config says "
              + config.diffIds().get(i) + " (corrupt archive)");
        }
        skipped += result.skippedDevices();
      }
      Files.write(work.resolve("config.json"), image.config());
      ObjectNode info = JSON.createObjectNode();
      info.put("id", id);
      info.put("size", RootfsCopy.size(rootfs));
      info.putPOJO("diffIds", config.diffIds());
      if (image.manifestDigest() != null) {
        info.put("manifestDigest", image.manifestDigest());
      }
      Files.write(work.resolve("info.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
      Files.move(work, dir(id), StandardCopyOption.ATOMIC_MOVE);
      log.info("Unpacked image {} ({} of its {} layers shared with an image already here{})", id, shared,
          image.layers().size(), skipped > 0 ? "; " + skipped + " device nodes skipped" : "");
    } finally {
      LayerUnpacker.deleteTree(work);
    }
  }

  /**
   * Copies (hard links) the rootfs of the image sharing the longest run of bottom layers with these; answers
   * how many layers that covers (0: nothing copied).
   */
  private int startFromSharedLayers(List<String> diffIds, Path rootfs) throws IOException {
    int best = 0;
    Path bestDir = null;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("images"))) {
      for (Path dir : dirs) {
        List<String> theirs = info(dir).map(i -> ImageConfig.strings(i.path("diffIds"))).orElse(List.of());
        int common = 0;
        while (common < theirs.size() && common < diffIds.size() && theirs.get(common).equals(diffIds.get(common))) {
          common++;
        }
        // Only a whole image is a known state of the layers: its rootfs is layers 1..n, not 1..k for k < n.
        if (common == theirs.size() && common > best) {
          best = common;
          bestDir = dir;
        }
      }
    }
    if (bestDir != null) {
      RootfsCopy.linkTree(bestDir.resolve("rootfs"), rootfs);
    }
    return best;
  }

  // --- reading -------------------------------------------------------------------------------------------

  private Optional<Image> image(String id, Map<String, String> names) {
    Path dir = dir(id);
    if (!Files.isDirectory(dir)) {
      byId.remove(id);
      return Optional.empty();
    }
    Image stored = byId.get(id);
    if (stored == null) {
      try {
        ImageConfig config = ImageConfig.parse(Files.readAllBytes(dir.resolve("config.json")), dir);
        long size = info(dir).map(i -> i.path("size").asLong()).orElse(0L);
        stored = new Image(id, List.of(), dir.resolve("rootfs"), config.entrypoint(), config.cmd(), config.env(),
            config.workingDir(), config.user(), config.labels(), size);
        byId.put(id, stored);
      } catch (NoSuchFileException e) {
        return Optional.empty(); // removed while we looked
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read image " + id + " in " + dir, e);
      }
    }
    List<String> itsNames = names.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
        .sorted().toList();
    Image s = stored;
    return Optional.of(new Image(s.id(), itsNames, s.rootfs(), s.entrypoint(), s.cmd(), s.env(), s.workingDir(),
        s.user(), s.labels(), s.size()));
  }

  private String manifestDigest(String id) {
    return info(dir(id)).map(i -> i.path("manifestDigest").asText(null)).orElse(null);
  }

  private static Optional<JsonNode> info(Path dir) {
    try {
      return Optional.of(JSON.readTree(dir.resolve("info.json").toFile()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Map<String, String> readIndex() {
    Path index = root.resolve("index.json");
    try {
      JsonNode names = JSON.readTree(Files.readAllBytes(index)).path("names");
      Map<String, String> result = new TreeMap<>();
      names.fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().asText()));
      return result;
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    }
  }

  private void writeIndex(Map<String, String> names) throws IOException {
    ObjectNode doc = JSON.createObjectNode();
    ObjectNode node = doc.putObject("names");
    names.forEach(node::put);
    Path tmp = root.resolve("tmp").resolve("index-" + UUID.randomUUID() + ".json");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(tmp, root.resolve("index.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  // --- housekeeping --------------------------------------------------------------------------------------

  private void deleteImage(String id) throws IOException {
    Path dir = dir(id);
    if (Files.isDirectory(dir)) {
      // Renamed away first, so a reader never sees half an image under its id.
      Path trash = root.resolve("tmp").resolve("removed-" + hex(id) + "-" + UUID.randomUUID());
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      LayerUnpacker.deleteTree(trash);
    }
    byId.remove(id);
  }

  /** Leftovers of a load or removal that did not finish (the process died): only writers use tmp/. */
  private void cleanScratch() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve("tmp"))) {
      for (Path entry : entries) {
        LayerUnpacker.deleteTree(entry);
      }
    }
  }

  private Path dir(String id) {
    return root.resolve("images").resolve(hex(id));
  }

  private static String hex(String id) {
    return id.startsWith("sha256:") ? id.substring(7) : id;
  }

  static String repoOf(String name) {
    int at = name.indexOf('@');
    if (at >= 0) {
      return name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  private interface Work<T> {
    T run() throws IOException;
  }

  /** Runs a write under the store's lock (this JVM's threads, then other processes through the lock file). */
  private <T> T locked(Work<T> work) {
    JVM_LOCK.lock();
    try (FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
      return work.run();
    } catch (IOException e) {
      throw new UncheckedIOException("image store " + root + ": " + e.getMessage(), e);
    } finally {
      JVM_LOCK.unlock();
    }
  }
}
