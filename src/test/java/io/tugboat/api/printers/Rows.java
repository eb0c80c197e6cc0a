package io.tugboat.api.printers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Test fixture: parses YAML manifests and prints them at a fixed instant. */
final class Rows {

  /** The instant every test prints at. */
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  private Rows() {}

  static JsonNode yaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The cells Tugboat prints for a manifest of the given kind. */
  static List<Object> cells(String kind, String yaml) {
    return Printers.forKind(kind).cells(yaml(yaml), NOW);
  }

  /** The column names of a kind, in order. */
  static List<String> columns(String kind) {
    return Printers.forKind(kind).columns().stream().map(Printer.Column::name).toList();
  }

  /** The column names kubectl shows with -o wide but not without. */
  static List<String> wideColumns(String kind) {
    return Printers.forKind(kind).columns().stream().filter(c -> c.priority() > 0).map(Printer.Column::name)
        .toList();
  }

  static void assertColumns(String kind, String... names) {
    assertEquals(Arrays.asList(names), columns(kind));
  }

  static void assertCells(String kind, String yaml, Object... expected) {
    assertEquals(Arrays.asList(expected), cells(kind, yaml));
  }
}
