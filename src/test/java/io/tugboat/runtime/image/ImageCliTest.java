package io.tugboat.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.image.ImageStore.Image;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tugboat image load|ls|rm}: output, exit statuses, the listing's format. */
class ImageCliTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(LocalImageStore store, String... args) {
    out.reset();
    err.reset();
    return ImageCli.run(store, List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void loadsListsAndRemovesImages() throws Exception {
    LocalImageStore store = new LocalImageStore(tmp.resolve("images"));
    Path archive = TestArchives.oci(tmp.resolve("app.tar.gz"), true, TestArchives.image(
        List.of("app:1", "registry.local:5000/team/app:2"), Map.of(),
        TestArchives.layer(l -> l.file("hello", "x".repeat(2500)))));

    assertEquals(0, run(store, "load", archive.toString()), err.toString());
    String id = store.list().get(0).id();
    assertEquals("Loaded " + id.substring(7, 20) + " docker.io/library/app:1, registry.local:5000/team/app:2\n",
        out.toString());

    assertEquals(0, run(store, "ls"));
    String shortId = id.substring(7, 20);
    assertEquals(String.join("\n",
        "NAME                           TAG   IMAGE ID        SIZE",
        "docker.io/library/app          1     " + shortId + "   2.5kB",
        "registry.local:5000/team/app   2     " + shortId + "   2.5kB", ""), out.toString());

    assertEquals(0, run(store, "rm", "app:1"));
    assertEquals("Deleted: app:1\n", out.toString());
    assertEquals(1, run(store, "rm", "app:1"));
    assertTrue(err.toString().contains("no image named app:1"), err.toString());
  }

  @Test
  void reportsBadArchivesAndUsageWithoutAStackTrace() {
    LocalImageStore store = new LocalImageStore(tmp.resolve("images"));
    assertEquals(1, run(store, "load", tmp.resolve("missing.tar").toString()));
    assertTrue(err.toString().startsWith("error: ") && err.toString().contains("does not exist"), err.toString());
    assertEquals(2, run(store, "load"));
    assertEquals(2, run(store, "frobnicate"));
    assertTrue(err.toString().contains(ImageCli.USAGE), err.toString());
    assertEquals(2, run(store));
  }

  @Test
  void listsUntaggedImagesAsNone() {
    Image untagged = new Image("sha256:" + "ab".repeat(32), List.of(), tmp, List.of(), List.of(), List.of(), "", "",
        Map.of(), 4_490_000);
    assertEquals("NAME     TAG      IMAGE ID        SIZE\n<none>   <none>   ababababababa   4.49MB\n",
        ImageCli.table(List.of(untagged)));
  }

  @Test
  void sizesUseDecimalUnitsWithThreeSignificantDigits() {
    assertEquals("0B", ImageCli.humanSize(0));
    assertEquals("999B", ImageCli.humanSize(999));
    assertEquals("1kB", ImageCli.humanSize(1000));
    assertEquals("2.18MB", ImageCli.humanSize(2_175_000));
    assertEquals("1.5GB", ImageCli.humanSize(1_500_000_000L));
    assertEquals("1MB", ImageCli.humanSize(999_999), "rounding up moves to the next unit");
  }
}
