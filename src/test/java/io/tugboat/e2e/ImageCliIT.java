package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.image.LocalImageStore;
import io.tugboat.runtime.image.TestImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/tugboat up} loads the example images into the data dir, and {@code scripts/tugboat image}
 * lists, removes and loads images while the cluster runs. Skipped where busybox-static cannot be had.
 */
class ImageCliIT {

  @Test
  void upLoadsTheExampleImagesAndTheCliManagesThemWhileTheClusterRuns() throws Exception {
    Path archives = TestImages.archives(); // builds them once, or skips this test
    try (TugboatCluster cluster = TugboatCluster.startFresh("e2e-images-")) {
      String data = cluster.dataDir().toString();
      String listing = cluster.scriptOk("image", "ls", "--data", data);
      assertTrue(listing.startsWith("NAME "), listing);
      for (String tag : new String[] {"latest", "1.36"}) {
        assertTrue(listing.matches("(?s).*\\ndocker\\.io/library/busybox +" + tag.replace(".", "\\.") + " .*"),
            listing);
      }
      assertEquals(TestImages.NGINX.size(),
          listing.lines().filter(l -> l.startsWith("docker.io/library/nginx ")).count(), listing);

      // A second store on the same directory, as the node agent holds one, sees the CLI's changes at once.
      LocalImageStore agentView = LocalImageStore.inDataDir(cluster.dataDir());
      assertTrue(agentView.resolve("nginx:1.16").isPresent());
      cluster.scriptOk("image", "rm", "nginx:1.16", "--data", data);
      assertFalse(agentView.resolve("nginx:1.16").isPresent());
      assertTrue(agentView.resolve("nginx:1.15").isPresent(), "the image stays with its other names");

      TugboatCluster.Result missing = cluster.script("image", "rm", "nginx:1.16", "--data", data);
      assertEquals(1, missing.exitCode(), missing.describe());
      assertTrue(missing.stderr().contains("no image named nginx:1.16"), missing.describe());

      String loaded = cluster.scriptOk("image", "load", archives.resolve("nginx.tar").toString(), "--data", data);
      assertTrue(loaded.contains("docker.io/library/nginx:1.16"), loaded);
      assertTrue(agentView.resolve("nginx:1.16").isPresent());
    }
  }
}
