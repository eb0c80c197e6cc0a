package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.LogOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriLogTest {
  private static final Instant T = Instant.parse("2016-10-06T00:17:09.669794202Z");

  @Test
  void formatsLinesAsTheKubeletReadsThem() {
    assertEquals("2016-10-06T00:17:09.669794202Z stdout F hello\n", CriLog.format(T, "stdout", false, "hello"));
    assertEquals("2016-10-06T00:17:09.000000000Z stderr P part\n",
        CriLog.format(Instant.parse("2016-10-06T00:17:09Z"), "stderr", true, "part"));
  }

  @Test
  void parsesWhatItFormatsAndSkipsGarbage() {
    CriLog.Line line = CriLog.parse("2016-10-06T00:17:09.669794202Z stdout F hello world").orElseThrow();
    assertEquals(new CriLog.Line(T, "stdout", false, "hello world"), line);
    assertEquals("", CriLog.parse("2016-10-06T00:17:09.669794202Z stdout F ").orElseThrow().text());
    assertEquals("", CriLog.parse("2016-10-06T00:17:09.669794202Z stdout F").orElseThrow().text());
    assertTrue(CriLog.parse("2016-10-06T00:17:09Z stdin F x").isEmpty());
    assertTrue(CriLog.parse("yesterday stdout F x").isEmpty());
    assertTrue(CriLog.parse("").isEmpty());
  }

  @Test
  void tailCountsAWholeOutputLineSplitIntoPartsOnce() {
    List<CriLog.Line> lines = List.of(line(0, false, "a"), line(1, true, "b1"), line(2, false, "b2"),
        line(3, false, "c"));
    LogOptions two = LogOptions.defaults().withTailLines(2);
    assertEquals(List.of("b1", "b2", "c"), texts(CriLog.select(lines, two, T)));
    assertEquals(List.of(), texts(CriLog.select(lines, LogOptions.defaults().withTailLines(0), T)));
    assertEquals(4, CriLog.select(lines, LogOptions.defaults().withTailLines(10), T).size());
  }

  @Test
  void sinceKeepsLinesAtOrAfterTheTime() {
    List<CriLog.Line> lines = List.of(line(0, false, "a"), line(5, false, "b"), line(9, false, "c"));
    assertEquals(List.of("b", "c"), texts(CriLog.select(lines, LogOptions.defaults().withSinceTime(T.plusSeconds(5)),
        T)));
  }

  @Test
  void rendersWithTimestampsAndPartialLinesJoined() {
    assertEquals("2016-10-06T00:17:09.669794202Z x\n", CriLog.render(new CriLog.Line(T, "stdout", false, "x"), true));
    assertEquals("x", CriLog.render(new CriLog.Line(T, "stdout", true, "x"), false));
  }

  @Test
  void writerSplitsLongLinesAndRotatesKeepingTheNewestFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c/0.log");
    Clock clock = Clock.fixed(T, ZoneOffset.UTC);
    try (CriLogWriter w = new CriLogWriter(file, 200, 3, clock)) {
      Thread pump = w.pump(new java.io.ByteArrayInputStream(("x".repeat(CriLog.MAX_LINE_BYTES + 10) + "\nend")
          .getBytes()), "stdout", "test-pump");
      pump.join(10_000);
      for (int i = 0; i < 20; i++) {
        w.write("stderr", false, "line " + i);
      }
    }
    List<Path> files = CriLogWriter.files(file, 3);
    assertEquals(List.of(Path.of(file + ".2"), Path.of(file + ".1"), file), files);
    assertTrue(Files.size(file) <= 200);
    String newest = Files.readString(file);
    assertTrue(newest.endsWith("stderr F line 19\n"), newest);
    assertTrue(Files.notExists(Path.of(file + ".3")));
  }

  @Test
  void writerMarksTheFirstPieceOfALongLinePartial(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("0.log");
    try (CriLogWriter w = new CriLogWriter(file, 0, 1, Clock.fixed(T, ZoneOffset.UTC))) {
      w.pump(new java.io.ByteArrayInputStream(("y".repeat(CriLog.MAX_LINE_BYTES + 3) + "\nlast").getBytes()),
          "stdout", "test-pump").join(10_000);
    }
    List<CriLog.Line> lines = CriLog.parseAll(Files.readString(file));
    assertEquals(3, lines.size());
    assertTrue(lines.get(0).partial());
    assertEquals("yyy", lines.get(1).text());
    assertEquals(new CriLog.Line(T, "stdout", false, "last"), lines.get(2));
  }

  private static CriLog.Line line(int second, boolean partial, String text) {
    return new CriLog.Line(T.plusSeconds(second), "stdout", partial, text);
  }

  private static List<String> texts(List<CriLog.Line> lines) {
    return lines.stream().map(CriLog.Line::text).toList();
  }
}
