package io.tugboat.api.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Table columns Kubernetes prints for one kind: each column's definition and the function that computes its
 * cell from a stored object. Cells hold what Kubernetes puts in the Table: a String, a Long or a Boolean.
 *
 * <p>Kubernetes' server-side printers always run "wide", so every row carries every cell; kubectl hides the
 * columns with priority above 0 unless asked for {@code -o wide}.
 */
public record Printer(List<Column> columns) {

  /** Computes one cell from an object, at the given instant (for ages). */
  @FunctionalInterface
  public interface Cell {
    /** The cell value: a String, Long or Boolean. */
    Object apply(JsonNode object, Instant now);
  }

  /** One column definition of a meta.k8s.io/v1 Table, with its cell function. */
  public record Column(String name, String type, String format, String description, int priority, Cell cell) {}

  public Printer {
    columns = List.copyOf(columns);
  }

  /** The cells of one row, in column order. */
  public List<Object> cells(JsonNode object, Instant now) {
    List<Object> cells = new ArrayList<>(columns.size());
    for (Column c : columns) {
      cells.add(c.cell().apply(object, now));
    }
    return cells;
  }

  /** A printer whose first column is the object's Name, as nearly every Kubernetes printer starts. */
  static Builder named() {
    return new Builder().name();
  }

  /** A printer built column by column, in the order Kubernetes declares them. */
  static Builder builder() {
    return new Builder();
  }

  /** Collects columns in order; {@code wide} variants have priority 1. */
  static final class Builder {
    private final List<Column> columns = new ArrayList<>();

    /** The Name column (format "name"), cell metadata.name. */
    Builder name() {
      return add("Name", "string", "name", SwaggerDocs.OBJECT_META_NAME, 0, (o, now) -> Cells.name(o));
    }

    /** The Age column: creationTimestamp as a human duration. */
    Builder age() {
      return add("Age", "string", "", SwaggerDocs.OBJECT_META_CREATION_TIMESTAMP, 0,
          (o, now) -> Cells.since(o.path("metadata").path("creationTimestamp"), now));
    }

    Builder string(String name, String description, Cell cell) {
      return add(name, "string", "", description, 0, cell);
    }

    Builder integer(String name, String description, Cell cell) {
      return add(name, "integer", "", description, 0, cell);
    }

    Builder wide(String name, String description, Cell cell) {
      return add(name, "string", "", description, 1, cell);
    }

    Builder add(String name, String type, String format, String description, int priority, Cell cell) {
      columns.add(new Column(name, type, format, description, priority, cell));
      return this;
    }

    /** The wide Containers and Images columns of a pod template at the given path. */
    Builder containersAndImages(String... templateSpecPath) {
      wide("Containers", "Names of each container in the template.",
          (o, now) -> Cells.containerField(Cells.at(o, templateSpecPath), "name"));
      return wide("Images", "Images referenced by each container in the template.",
          (o, now) -> Cells.containerField(Cells.at(o, templateSpecPath), "image"));
    }

    Printer build() {
      return new Printer(columns);
    }
  }
}
