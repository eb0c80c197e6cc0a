package io.tugboat.model.apply;

import java.util.ArrayList;
import java.util.List;

/** The path of one field or list element inside an object: {@code .spec.template.spec.containers[name="c"].image}. */
public record FieldPath(List<PathElement> elements) implements Comparable<FieldPath> {

  /** The object itself. */
  public static final FieldPath ROOT = new FieldPath(List.of());

  public FieldPath {
    elements = List.copyOf(elements);
  }

  /** A path of field names: {@code FieldPath.of("spec", "replicas")}. */
  public static FieldPath of(String... fields) {
    List<PathElement> els = new ArrayList<>();
    for (String f : fields) {
      els.add(new PathElement.Field(f));
    }
    return new FieldPath(els);
  }

  /** This path extended by one element. */
  public FieldPath child(PathElement element) {
    List<PathElement> els = new ArrayList<>(elements);
    els.add(element);
    return new FieldPath(els);
  }

  /** This path extended by a field. */
  public FieldPath field(String name) {
    return child(new PathElement.Field(name));
  }

  /** The path one step up; the root's parent is the root. */
  public FieldPath parent() {
    return elements.isEmpty() ? this : new FieldPath(elements.subList(0, elements.size() - 1));
  }

  /** Whether {@code other} is this path or lies under it. */
  public boolean contains(FieldPath other) {
    return other.elements.size() >= elements.size() && other.elements.subList(0, elements.size()).equals(elements);
  }

  /** Number of elements. */
  public int size() {
    return elements.size();
  }

  @Override
  public int compareTo(FieldPath other) {
    int n = Math.min(elements.size(), other.elements.size());
    for (int i = 0; i < n; i++) {
      int c = elements.get(i).compareTo(other.elements.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(elements.size(), other.elements.size());
  }

  /** As Kubernetes prints it in conflicts: {@code .spec.replicas}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    elements.forEach(e -> sb.append(e.describe()));
    return sb.toString();
  }
}
