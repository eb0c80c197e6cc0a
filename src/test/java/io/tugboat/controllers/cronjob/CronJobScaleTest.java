package io.tugboat.controllers.cronjob;

import static io.tugboat.controllers.StoreNode.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.TestProbe;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.store.StoreTestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not run by default: {@code -Dtugboat.cronjob.scale=N} creates N CronJobs due at the same minute,
 * then starts the controller with its clock past that minute (as a new singleton after a fail-over would) and
 * reports how long until every one has its Job created and recorded in status.active (each costs a Job create, a
 * status write and an Event). For docs/BENCHMARKS.md.
 */
@EnabledIfSystemProperty(named = "tugboat.cronjob.scale", matches = "[0-9]+")
class CronJobScaleTest {

  @TempDir
  Path dataDir;

  @Test
  void manyCronJobsDueAtOnce() throws Exception {
    int n = Integer.getInteger("tugboat.cronjob.scale");
    try (StoreNode node = new StoreNode("CronJobScaleTest", dataDir)) {
      node.create(ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow(),
          json("{'metadata':{'name':'scale'}}"));
      List<CompletableFuture<?>> creates = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        creates.add(node.store.create(CronJobSync.CRON_JOBS, json("{'metadata':{'name':'c" + i
            + "','namespace':'scale'},'spec':{'schedule':'*/1 * * * *','jobTemplate':{'spec':{'template':{"
            + "'spec':{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}"),
            StoreNode.request("create")).toCompletableFuture());
      }
      CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get();
      // The clock already past the minute: the controller's start-up sync (a fail-over) finds all of them due.
      Instant due = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
      CronJobControllerTest.TestClock clock = new CronJobControllerTest.TestClock(due.plusMillis(100));
      long start = System.nanoTime();
      node.testKit.spawn(CronJobController.create(node.store, clock, new CronJobSettings(true,
          Duration.ofMillis(200), Duration.ofSeconds(5))));
      TestProbe<Void> probe = node.testKit.createTestProbe();
      probe.awaitAssert(Duration.ofMinutes(5), Duration.ofMillis(100), () -> {
        long recorded = node.store.cache().list(CronJobSync.CRON_JOBS.storageKey(), "scale", e -> true, null, 0)
            .items().stream().filter(e -> ((JsonNode) e.object()).path("status").path("active").size() == 1).count();
        assertEquals(n, recorded);
        return null;
      });
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("CRONJOB SCALE: %d CronJobs due at once: all Jobs created and recorded in %d ms (%.0f/s)%n",
          n, ms, n * 1000.0 / ms);
    }
  }
}
