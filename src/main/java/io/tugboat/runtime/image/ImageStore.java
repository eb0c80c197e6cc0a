package io.tugboat.runtime.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's local images: OCI images whose layers are unpacked into a read-only root filesystem, named by one or
 * more normalized references ("docker.io/library/busybox:1.36", see {@link io.tugboat.runtime.ImageNames}).
 * A registry pull is a later addition: it will add images here the same way {@code load} does.
 */
public interface ImageStore {

  /** The image a reference names (normalized first: "busybox" is "docker.io/library/busybox:latest"). */
  Optional<Image> resolve(String reference);

  /** Every image, with all its names. */
  List<Image> list();

  /**
   * Loads the images of an OCI image layout or a {@code docker save} tarball (a directory, .tar or .tar.gz),
   * unpacking layers that are not present yet, and tags them with the names the archive carries.
   *
   * @return the images loaded
   * @throws IllegalArgumentException for an archive that is neither, naming what is wrong
   */
  List<Image> load(Path archive);

  /** Removes a name; the image itself goes with its last name. Answers false when no image had that name. */
  boolean remove(String reference);

  /**
   * An image: its id ("sha256:" + hex digest of its config), its names, the unpacked root filesystem (never
   * written to: containers get their own writable layer above it), and what its config says a container runs.
   */
  record Image(String id, List<String> names, Path rootfs, List<String> entrypoint, List<String> cmd,
      List<String> env, String workingDir, String user, Map<String, String> labels, long size) {

    /** The digest reference the kubelet reports as imageID: "docker.io/library/busybox@sha256:...". */
    public String digestRef() {
      String name = names.isEmpty() ? "" : names.get(0);
      int colon = name.lastIndexOf(':');
      String repo = colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
      return repo + "@" + id;
    }
  }
}
