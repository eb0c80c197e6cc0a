package io.tugboat.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Image references as container runtimes normalize them: "nginx" is "docker.io/library/nginx:latest". */
public final class ImageNames {
  private ImageNames() {}

  /** The fully qualified name: registry (docker.io by default), repository, and a tag (latest) unless digested. */
  public static String normalize(String image) {
    String name = image.trim();
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean hasRegistry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (!hasRegistry) {
      name = (slash < 0 ? "docker.io/library/" : "docker.io/") + name;
    }
    String last = name.substring(name.lastIndexOf('/') + 1);
    if (!name.contains("@") && !last.contains(":")) {
      name = name + ":latest";
    }
    return name;
  }

  /** A stable made-up digest reference for an image, for runtimes that pull nothing: repo@sha256:... */
  public static String fakeDigestRef(String image) {
    String normalized = normalize(image);
    String repo = normalized.contains("@") ? normalized.substring(0, normalized.indexOf('@'))
        : normalized.substring(0, normalized.lastIndexOf(':'));
    return repo + "@sha256:" + sha256(normalized);
  }

  /** Hex SHA-256 of a text. */
  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
