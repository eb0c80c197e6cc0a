package io.tugboat.runtime.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Small image archives made in memory: layers from a list of entries, written as OCI layouts or docker saves. */
final class TestArchives {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestArchives() {}

  /** A layer's entries; each method adds one. */
  static final class Layer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private byte[] finished;

    Layer() {
      tar = new TarArchiveOutputStream(bytes);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Layer dir(String name, int mode) {
      TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
      e.setMode(040000 | mode);
      return put(e, null);
    }

    Layer file(String name, String content) {
      return file(name, content, 0644);
    }

    Layer file(String name, String content, int mode) {
      TarArchiveEntry e = new TarArchiveEntry(name, true); // keep a leading "/": tests feed absolute names
      e.setMode(0100000 | mode);
      return put(e, content.getBytes(StandardCharsets.UTF_8));
    }

    Layer symlink(String name, String target) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      e.setLinkName(target);
      return put(e, null);
    }

    Layer hardlink(String name, String target) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
      e.setLinkName(target);
      return put(e, null);
    }

    Layer device(String name) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR);
      e.setDevMajor(1);
      e.setDevMinor(3);
      return put(e, null);
    }

    Layer whiteout(String dir, String name) {
      return file((dir.isEmpty() ? "" : dir + "/") + LayerUnpacker.WHITEOUT_PREFIX + name, "");
    }

    Layer opaque(String dir) {
      return file(dir + "/" + LayerUnpacker.OPAQUE, "");
    }

    private Layer put(TarArchiveEntry e, byte[] content) {
      try {
        e.setModTime(1_672_531_200_000L);
        if (content != null) {
          e.setSize(content.length);
        }
        tar.putArchiveEntry(e);
        if (content != null) {
          tar.write(content);
        }
        tar.closeArchiveEntry();
        return this;
      } catch (IOException ex) {
        throw new IllegalStateException(ex);
      }
    }

    /** The uncompressed tar. */
    byte[] tar() {
      if (finished == null) {
        try {
          tar.finish();
        } catch (IOException ex) {
          throw new IllegalStateException(ex);
        }
        finished = bytes.toByteArray();
      }
      return finished;
    }
  }

  /** An image to write: layers (uncompressed tars), names, the config's "config" section. */
  record Img(List<byte[]> layers, List<String> names, Map<String, Object> config) {}

  static Img image(List<String> names, Map<String, Object> config, Layer... layers) {
    List<byte[]> tars = new ArrayList<>();
    for (Layer l : layers) {
      tars.add(l.tar());
    }
    return new Img(tars, names, config);
  }

  static String sha(byte[] bytes) {
    return HexFormat.of().formatHex(LayerUnpacker.sha256().digest(bytes));
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static byte[] configOf(Img img) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.set("config", JSON.valueToTree(img.config()));
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    img.layers().forEach(l -> diffIds.add("sha256:" + sha(l)));
    return json(config);
  }

  /** Writes an OCI layout as a tar (or a directory when {@code out} has no ".tar" in its name). */
  static Path oci(Path out, boolean gzipLayers, Img... images) throws IOException {
    Files files = new Files(out);
    ArrayNode manifests = JSON.createArrayNode();
    for (Img img : images) {
      byte[] config = configOf(img);
      files.put("blobs/sha256/" + sha(config), config);
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
      ArrayNode layers = manifest.putArray("layers");
      for (byte[] tar : img.layers()) {
        byte[] blob = gzipLayers ? gzip(tar) : tar;
        files.put("blobs/sha256/" + sha(blob), blob);
        layers.add(descriptor(gzipLayers ? "application/vnd.oci.image.layer.v1.tar+gzip"
            : "application/vnd.oci.image.layer.v1.tar", blob));
      }
      byte[] manifestBytes = json(manifest);
      files.put("blobs/sha256/" + sha(manifestBytes), manifestBytes);
      for (String name : img.names()) {
        ObjectNode d = descriptor("application/vnd.oci.image.manifest.v1+json", manifestBytes);
        d.putObject("annotations").put(ArchiveImages.REF_NAME, name);
        manifests.add(d);
      }
    }
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.set("manifests", manifests);
    files.put("index.json", json(index));
    return files.finish();
  }

  /** Writes a {@code docker save} tarball (layers as ID/layer.tar, plain or gzip). */
  static Path dockerSave(Path out, boolean gzipLayers, Img... images) throws IOException {
    Files files = new Files(out);
    ArrayNode manifest = JSON.createArrayNode();
    for (Img img : images) {
      byte[] config = configOf(img);
      files.put(sha(config) + ".json", config);
      ObjectNode entry = manifest.addObject();
      entry.put("Config", sha(config) + ".json");
      ArrayNode tags = entry.putArray("RepoTags");
      img.names().forEach(tags::add);
      ArrayNode layers = entry.putArray("Layers");
      for (byte[] tar : img.layers()) {
        String path = sha(tar) + "/layer.tar";
        files.put(path, gzipLayers ? gzip(tar) : tar);
        layers.add(path);
      }
    }
    files.put("manifest.json", json(manifest));
    return files.finish();
  }

  private static ObjectNode descriptor(String mediaType, byte[] blob) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", mediaType);
    d.put("digest", "sha256:" + sha(blob));
    d.put("size", blob.length);
    return d;
  }

  static byte[] json(Object node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Collects archive files and writes them as a tar, a .tar.gz or a directory, by the output's name. */
  private static final class Files {
    private final Path out;
    private final Map<String, byte[]> entries = new java.util.LinkedHashMap<>();

    Files(Path out) {
      this.out = out;
    }

    void put(String path, byte[] bytes) {
      entries.put(path, bytes);
    }

    Path finish() throws IOException {
      String name = out.getFileName().toString();
      if (!name.contains(".tar")) {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          Path file = out.resolve(e.getKey());
          java.nio.file.Files.createDirectories(file.getParent());
          java.nio.file.Files.write(file, e.getValue());
        }
        return out;
      }
      try (OutputStream raw = java.nio.file.Files.newOutputStream(out);
          OutputStream sink = name.endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
          TarArchiveOutputStream tar = new TarArchiveOutputStream(sink)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
          entry.setSize(e.getValue().length);
          tar.putArchiveEntry(entry);
          tar.write(e.getValue());
          tar.closeArchiveEntry();
        }
      }
      return out;
    }
  }

  /** Runs {@code edit} on a fresh layer and returns it. */
  static Layer layer(Consumer<Layer> edit) {
    Layer l = new Layer();
    edit.accept(l);
    return l;
  }
}
