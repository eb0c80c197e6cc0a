package io.tugboat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTest {
  @TempDir Path dir;

  @Test
  void defaultsToTheProjectsBenchmarkSettings() {
    Bench.Options o = Bench.parse(new String[] {"--server", "https://127.0.0.1:6443", "--token-file", "t",
        "--ca-file", "c"});
    assertEquals(Set.of("creates", "gets", "list"), o.phases());
    assertEquals(10_000, o.count());
    assertEquals(32, o.clients());
    assertEquals(1024, o.dataBytes());
    assertEquals(20, o.listTimes());
  }

  @Test
  void theSchedulePhaseIsOptInWithItsOwnSizes() {
    Bench.Options o = Bench.parse(new String[] {"--server", "https://127.0.0.1:6443", "--token-file", "t",
        "--ca-file", "c", "--phases", "schedule", "--nodes", "50", "--pods", "2000"});
    assertEquals(Set.of("schedule"), o.phases());
    assertEquals(50, o.nodes());
    assertEquals(2000, o.pods());
  }

  @Test
  void rejectsUnknownPhasesAndMissingServer() {
    assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--server", "https://x",
        "--token-file", "t", "--ca-file", "c", "--phases", "creates,deletes"}));
    assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--token-file", "t"}));
  }

  @Test
  void resultsFileRoundTripsFactsAndRows() throws Exception {
    Report r = new Report();
    r.fact("cores", "2");
    r.row("heap", "used after full GC", 107, "MiB", 512, false);
    r.row("creates", "throughput", 482, "creates/s", 2000, true);
    Path results = dir.resolve("results.tsv");
    r.appendTo(results);
    Files.writeString(results, "row\trestart\tup to first full list\t3.71 s\t<= 10 s\tmet\n",
        java.nio.file.StandardOpenOption.APPEND);
    String table = Report.readFrom(results).plain();
    assertTrue(table.contains("107 MiB"), table);
    assertTrue(table.contains("MISSED"), table);
    assertTrue(table.contains("3.71 s"), table);
    assertTrue(Report.readFrom(results).markdown().contains("| heap | used after full GC | 107 MiB | <= 512 MiB | met |"));
  }
}
